import { resolve } from 'node:path';
import { type BackupResult, takeBackup } from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { formatBytes, formatCounts } from '../io/format.js';
import { parseEndpoint, parsePoolId, regionFor } from '../io/options.js';
import { openLocalStore } from '../localStore.js';
import type { CommandContext } from './context.js';

export interface BackupOptions {
  pool: string;
  store: string;
  endpoint?: string;
  region?: string;
}

/** `restore-cli backup`: a full read of the pool into a snapshot, plus reconcile records of what changed. */
export async function backupCommand(options: BackupOptions, ctx: CommandContext): Promise<BackupResult> {
  const poolId = parsePoolId(options.pool);
  const endpoint = parseEndpoint(options.endpoint ?? ctx.env.COGNITO_ENDPOINT);
  const region = regionFor(poolId, options.region, ctx.env);
  // Checked before reading the pool: a scan can take hours, and must not end in "cannot write".
  const store = openLocalStore(resolve(ctx.cwd, options.store), { mustExist: false });
  const client = createCognitoClient({ endpoint, region });
  try {
    const bar = ctx.io.progress('backup');
    const result = await takeBackup(
      { reader: new AwsCognitoReader(client), ...store, clock: ctx.clock },
      poolId,
      ({ component, count, total }) => bar.update(count, total, component),
    ).finally(() => bar.stop());
    printSummary(result, ctx);
    return result;
  } finally {
    client.destroy();
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
  if (changes === 0) return 'first backup of this pool';
  return `first snapshot of this pool; ${changes} change record(s) continue the history already in the change log`;
}
