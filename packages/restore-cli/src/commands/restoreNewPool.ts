import {
  createPoolInput,
  InvalidInputError,
  type JsonObject,
  type PreparedRestore,
  prepareRestore,
  type RestoreRequest,
  type Store,
  stateAt,
  unconfirmedActions,
} from '@cognito-rewind/core';
import type { AwsCognitoWriter } from '@cognito-rewind/core/adapters/aws';
import type { FileRestoreJournal } from '@cognito-rewind/core/adapters/local';
import type { CommandContext } from '../io/commandContext.js';

/** The pool's configuration recorded at T, for a pool to create from it. */
export async function poolAtT(
  store: Store,
  request: RestoreRequest,
  name: string,
): Promise<{ pool: JsonObject; name: string }> {
  const state = await stateAt(store, request.sourcePoolId, request.at);
  let pool: JsonObject | undefined;
  for await (const entry of state.entities) if (entry.key === 'pool') pool = entry.doc;
  if (pool === undefined)
    throw new InvalidInputError(
      `the store has no pool configuration of ${request.sourcePoolId} at ${request.at}; nothing was created`,
    );
  return { pool, name };
}

/** --create-pool, once confirmed: the new pool from the configuration at T, journaled so a re-run reuses it. */
export async function createTargetPool(
  { pool, name }: { pool: JsonObject; name: string },
  request: RestoreRequest,
  writer: AwsCognitoWriter,
  journal: FileRestoreJournal,
  ctx: CommandContext,
): Promise<string> {
  const at = ctx.clock.now().toISOString();
  await journal.append({ type: 'start', at, action: 'createPool', entity: 'pool' });
  const { poolId } = await writer.createUserPool(createPoolInput(pool, name));
  await journal.append({
    type: 'done',
    at: ctx.clock.now().toISOString(),
    action: 'createPool',
    entity: 'pool',
    result: { poolId },
  });
  ctx.io.out(
    `created pool ${poolId} (${name}) from the configuration of ${request.sourcePoolId} at ${request.at}`,
  );
  return poolId;
}

/**
 * The plan against the pool just created, which apply re-checks as it goes. It applies only what the
 * operator confirmed: an action the empty pool's plan did not show is refused, not run unasked.
 */
export async function intoCreatedPool(
  confirmed: PreparedRestore,
  deps: Parameters<typeof prepareRestore>[0],
  request: RestoreRequest,
): Promise<PreparedRestore> {
  const prepared = await prepareRestore(deps, request);
  const unasked = unconfirmedActions(confirmed.plan, prepared.plan);
  if (unasked.length > 0)
    throw new InvalidInputError(
      `pool ${request.targetPoolId} was created but does not look as planned: ${unasked.length} action(s) were not in the plan you confirmed (${unasked.slice(0, 5).join(', ')}); nothing else was changed: run the same command again to plan against it`,
    );
  return prepared;
}
