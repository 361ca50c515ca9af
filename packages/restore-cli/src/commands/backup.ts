import { type BackupResult, takeBackup } from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { formatBytes, formatCounts } from '../io/format.js';
import { parseEndpoint, parsePoolId, regionFor } from '../io/options.js';
import { openReadyStore } from '../store/openStore.js';
import { chooseStore, type StoreOptions } from '../store/storeOptions.js';
import type { CommandContext } from './context.js';

export interface BackupOptions extends StoreOptions {
  pool: string;
  endpoint?: string;
  region?: string;
}

/** `restore-cli backup`: a full read of the pool into a snapshot, plus reconcile records of what changed. */
export async function backupCommand(options: BackupOptions, ctx: CommandContext): Promise<BackupResult> {
  const poolId = parsePoolId(options.pool);
  const endpoint = parseEndpoint(options.endpoint ?? ctx.env.COGNITO_ENDPOINT);
  const region = regionFor(poolId, options.region, ctx.env);
  // Checked before reading the pool: a scan can take hours, and must not end in "cannot write".
  const store = await openReadyStore(chooseStore(options, ctx.env), { mustExist: false, ...ctx }, poolId);
  const client = createCognitoClient({ endpoint, region });
  try {
    const bar = ctx.io.progress('backup');
    const result = await takeBackup(
      { reader: new AwsCognitoReader(client), ...store, clock: ctx.clock },
      poolId,
      ({ component, count, total }) => bar.update(count, total, component),
    ).finally(() => bar.stop());
    // The records are in the log; the segment makes the bucket alone a complete backup too.
    const segment = await store.archive(poolId, result.records, ctx.clock);
    printSummary(result, ctx);
    if (segment !== undefined) ctx.io.out(`  archived   ${result.records.length} record(s) to ${segment}`);
    return result;
  } finally {
    client.destroy();
    store.close();
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
