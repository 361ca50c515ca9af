import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  collectState,
  InvalidInputError,
  type PoolStateDocument,
  SegmentChangeLog,
  type Store,
  stateAt,
} from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import type { CommandContext } from '../io/commandContext.js';
import { parseAt } from '../io/parseTime.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import type { StoreOptions } from '../store/storeOptions.js';
import { storeDamageWarning } from './damageWarning.js';
import { BUCKET_ALONE } from './verify.js';

export interface StateOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  at: string;
  out?: string;
}

/** `restore-cli state`: the canonical pool state at a time, as JSON on stdout or in a file. */
export async function stateCommand(options: StateOptions, ctx: CommandContext): Promise<PoolStateDocument> {
  const access = chooseAccess(options, ctx, 'state');
  const poolId = poolOf(options.pool, access, ctx);
  const at = parseAt(options.at, ctx.clock.now());
  const store = await openReadyStore(
    access.config,
    { mustExist: true, ...ctx, ...storeCredentials(access) },
    poolId,
  );
  const out = options.out === undefined ? undefined : resolve(ctx.cwd, options.out);
  if (out !== undefined && !existsSync(dirname(out)))
    throw new InvalidInputError(`--out ${options.out}: directory ${dirname(out)} does not exist`);
  const document = await stateDocument(store, poolId, at, ctx);
  if (Date.parse(at) > ctx.clock.now().getTime())
    ctx.io.err(`warning: --at ${at} is in the future; this is the state as of the last change recorded`);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (out === undefined) {
    ctx.io.out(json.trimEnd());
  } else {
    // Written only once the whole state is known: a failure above leaves no partial file.
    await writeFile(out, json);
    ctx.io.err(`state of ${poolId} at ${at} written to ${options.out}`);
  }
  return document;
}

async function stateDocument(
  store: Store,
  poolId: string,
  at: string,
  ctx: CommandContext,
): Promise<PoolStateDocument> {
  try {
    const result = await stateAt(store, poolId, at);
    const document = await collectState(result);
    for (const warning of result.warnings) ctx.io.err(`warning: ${warning}`);
    const damage = await storeDamageWarning(store, poolId);
    if (damage !== undefined) ctx.io.err(`warning: ${damage}`);
    if (store.changeLog instanceof SegmentChangeLog) ctx.io.err(`note: ${BUCKET_ALONE}`);
    return document;
  } finally {
    store.close();
  }
}
