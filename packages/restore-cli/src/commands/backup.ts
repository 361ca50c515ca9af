import { type BackupResult, takeBackup } from '@cognito-rewind/core';
import type { CommandContext } from '../io/commandContext.js';
import { formatBytes, formatCounts } from '../io/format.js';
import { openPoolAccess, type PoolAccessOptions } from './poolAccess.js';

export type BackupOptions = PoolAccessOptions;

/** `restore-cli backup`: a full read of the pool into a snapshot, plus reconcile records of what changed. */
export async function backupCommand(options: BackupOptions, ctx: CommandContext): Promise<BackupResult> {
  const { poolId, store, reader, close } = await openPoolAccess(options, ctx, 'backup');
  try {
    const bar = ctx.io.progress('backup');
    const result = await takeBackup(
      // The store's clock: the AWS store's is the services' time, which the handlers date by too.
      { reader, ...store },
      poolId,
      ({ component, count, total }) => bar.update(count, total, component),
    ).finally(() => bar.stop());
    // The records are in the log; the segment makes the bucket alone a complete backup too.
    const segment = await store.archive(poolId, result.records);
    printSummary(result, ctx);
    if (segment !== undefined) ctx.io.out(`  archived   ${result.records.length} record(s) to ${segment}`);
    return result;
  } finally {
    close();
  }
}

function printSummary(result: BackupResult, ctx: CommandContext): void {
  const { manifest } = result;
  const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  ctx.io.out(`backup of ${manifest.poolId} at ${manifest.at}`);
  ctx.io.out(`  snapshot   ${manifest.object}`);
  ctx.io.out(`  entities   ${manifest.entities} (${formatCounts(manifest.counts)})`);
  ctx.io.out(`  size       ${formatBytes(manifest.bytes)}, sha256 ${manifest.sha256.slice(0, 16)}…`);
  ctx.io.out(`  changes    ${describeChanges(result)}`);
  if (result.notCaptured.length > 0)
    ctx.io.out(`  not captured (endpoint does not support): ${result.notCaptured.join(', ')}`);
  ctx.io.out(`  took       ${seconds.toFixed(1)}s`);
  for (const warning of result.warnings) ctx.io.err(`warning: ${warning}`);
}

function describeChanges({ first, changes }: BackupResult): string {
  if (!first) return `${changes} change record(s) since the previous backup`;
  // The first full read writes a baseline for every entity, so each entity's head is in the log.
  return `first backup of this pool: ${changes} baseline record(s)`;
}
