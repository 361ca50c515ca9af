import { SegmentChangeLog, type VerifyReport, verifyPool } from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import { DirectoryChangeLog } from '@cognito-rewind/core/adapters/local';
import type { CommandContext } from '../io/commandContext.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import type { StoreOptions } from '../store/storeOptions.js';
import { rememberVerify } from './damageWarning.js';

export interface VerifyOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  json?: boolean;
}

/**
 * `restore-cli verify`: every snapshot, chain and segment of a pool checked; a report of what was
 * checked and every break found. The caller exits 1 when there is one.
 */
export async function verifyCommand(options: VerifyOptions, ctx: CommandContext): Promise<VerifyReport> {
  const access = chooseAccess(options, ctx, 'verify');
  const poolId = poolOf(options.pool, access, ctx);
  const store = await openReadyStore(
    access.config,
    { mustExist: true, ...ctx, ...storeCredentials(access) },
    poolId,
  );
  try {
    // The bucket alone has no table to hold its segments against: they are the log being checked.
    const segments =
      store.changeLog instanceof SegmentChangeLog
        ? undefined
        : new SegmentChangeLog(store.blobs, { clock: ctx.clock });
    // A directory journal is read past its damaged lines, each reported once, so the rest is checked.
    const changeLog =
      store.changeLog instanceof DirectoryChangeLog
        ? new DirectoryChangeLog(store.changeLog.root, { skipDamaged: true })
        : store.changeLog;
    const report = await verifyPool(
      { snapshots: store.snapshots, changeLog, ...(segments ? { segments } : {}) },
      poolId,
    );
    // What state and restore warn of until the next verify. Not remembering it fails nothing checked.
    await rememberVerify(store, report, store.clock.now().toISOString()).catch((error: unknown) =>
      ctx.io.err(`warning: could not remember this verify in the store: ${(error as Error).message}`),
    );
    if (options.json) ctx.io.out(JSON.stringify(report, null, 2));
    else printReport(report, store.label, ctx);
    if (store.changeLog instanceof SegmentChangeLog) ctx.io.err(`note: ${BUCKET_ALONE}`);
    return report;
  } finally {
    store.close();
  }
}

/**
 * What a store without its table cannot prove: nothing outside the bucket vouches for its snapshots
 * and segments, so whoever can write to it can rewrite history consistently.
 */
export const BUCKET_ALONE =
  'the bucket alone is the root of trust here: no table vouches for its snapshots and segments, so whoever can write to the bucket can rewrite them unnoticed; keep them under S3 Object Lock (compliance mode)';

function printReport(report: VerifyReport, label: string, ctx: CommandContext): void {
  ctx.io.out(`verify ${report.poolId} in ${label}`);
  ctx.io.out(
    `  snapshots  ${report.snapshots} (sha256 of every byte), ${report.snapshotEntries} entries against the log`,
  );
  ctx.io.out(
    `  chains     ${report.entities} entities, ${report.records} records (versions, hashes, patches)`,
  );
  ctx.io.out(`  segments   ${report.segments}, ${report.segmentRecords} records against the log`);
  if (report.problems.length === 0) {
    ctx.io.out('  result     everything checks out');
    return;
  }
  ctx.io.out(`  result     ${report.problems.length} problem(s):`);
  for (const { where, problem } of report.problems) ctx.io.out(`    ${where}: ${problem}`);
}
