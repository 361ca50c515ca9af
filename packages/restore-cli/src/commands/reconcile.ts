import { InvalidInputError, type ReconcileResult, reconcilePool } from '@cognito-rewind/core';
import type { CommandContext } from '../io/commandContext.js';
import { openPoolAccess, type PoolAccessOptions } from './poolAccess.js';

export interface ReconcileOptions extends PoolAccessOptions {
  json?: boolean;
}

/**
 * `restore-cli reconcile`: the daily full read, run now and to the end: the pool read with list
 * operations, every difference from the change log recorded as drift (what no event told capture),
 * deletes for what Cognito no longer has. It continues a run an earlier invocation left at a checkpoint.
 */
export async function reconcileCommand(
  options: ReconcileOptions,
  ctx: CommandContext,
): Promise<ReconcileResult> {
  const { poolId, store, reader, close } = await openPoolAccess(options, ctx, 'reconcile');
  try {
    const { checkpoints } = store;
    if (checkpoints === undefined)
      throw new InvalidInputError(
        'reconcile writes to the change log: give --table (the bucket alone is read-only)',
      );
    const started = Date.now();
    const result = await reconcilePool(
      {
        reader,
        changeLog: store.changeLog,
        snapshots: store.snapshots,
        checkpoints,
        clock: store.clock,
      },
      poolId,
    );
    if (options.json) ctx.io.out(JSON.stringify(result, null, 2));
    else printResult(result, store.label, (Date.now() - started) / 1000, ctx);
    return result;
  } finally {
    close();
  }
}

function printResult(result: ReconcileResult, label: string, seconds: number, ctx: CommandContext): void {
  const { drift, baselines, deletes, stale } = result.counts;
  const resumed = result.resumed ? ', continuing an earlier run' : '';
  ctx.io.out(`reconcile of ${result.poolId} in ${label} (run ${result.runId}${resumed})`);
  ctx.io.out(`  drift      ${drift} record(s): changes no event brought to capture`);
  ctx.io.out(`  baselines  ${baselines} record(s): entities the log had no record of yet`);
  ctx.io.out(`  deletes    ${deletes} record(s): entities the log holds and Cognito no longer does`);
  ctx.io.out(`  stale      ${stale}: reads older than what the log already holds, kept as recorded`);
  for (const sample of result.staleSamples) ctx.io.out(`             ${sample}`);
  ctx.io.out(`  read       ${result.pages} ListUsers page(s) in ${seconds.toFixed(1)}s`);
  if (!result.done)
    ctx.io.err(
      `error: the reconcile stopped before the end${result.superseded === undefined ? '' : `: ${result.superseded}`}; run it again to continue`,
    );
}
