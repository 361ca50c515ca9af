import { type SnapshotManifest, UnknownPoolError } from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import Table from 'cli-table3';
import type { CommandContext } from '../io/commandContext.js';
import { formatBytes } from '../io/format.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import type { StoreOptions } from '../store/storeOptions.js';

export interface SnapshotsOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  json?: boolean;
}

/** `restore-cli snapshots`: what the store holds for a pool, oldest first. */
export async function snapshotsCommand(
  options: SnapshotsOptions,
  ctx: CommandContext,
): Promise<SnapshotManifest[]> {
  const access = chooseAccess(options, ctx, 'snapshots');
  const poolId = poolOf(options.pool, access, ctx);
  const store = await openReadyStore(
    access.config,
    { mustExist: true, ...ctx, ...storeCredentials(access) },
    poolId,
  );
  const { manifests, unreadable } = await store.snapshots.survey(poolId).finally(() => store.close());
  if (manifests.length === 0 && unreadable[0] !== undefined) throw unreadable[0];
  if (manifests.length === 0) throw new UnknownPoolError(poolId);
  for (const error of unreadable) ctx.io.err(`warning: ${error.message}`);
  if (options.json) {
    ctx.io.out(JSON.stringify(manifests, null, 2));
    return manifests;
  }
  const table = new Table({
    head: ['at', 'kind', 'snapshot', 'users', 'groups', 'clients', 'entities', 'size'],
    style: { head: [], border: [] },
  });
  for (const m of manifests) {
    table.push([
      m.at,
      m.kind,
      m.snapshotId,
      m.counts.user ?? 0,
      m.counts.group ?? 0,
      m.counts.client ?? 0,
      m.entities,
      formatBytes(m.bytes),
    ]);
  }
  ctx.io.out(table.toString());
  const notCaptured = manifests.at(-1)?.notCaptured ?? [];
  if (notCaptured.length > 0) ctx.io.out(`not captured by this endpoint: ${notCaptured.join(', ')}`);
  return manifests;
}
