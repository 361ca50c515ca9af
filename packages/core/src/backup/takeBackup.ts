import type { ChangeRecord } from '../changes/changeRecord.js';
import { changeId } from '../changes/makeRecord.js';
import type { EntityKey } from '../model/entityKey.js';
import { countByKind, type EntityEntry, type OptionalComponent } from '../model/poolState.js';
import type { ChangeLog, Clock, CognitoReader } from '../ports.js';
import { stateAt } from '../replay/stateAt.js';
import type { SnapshotManifest } from '../snapshots/format.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type PoolScan, readPoolState, type ScannedEntity, type ScanProgress } from './readPoolState.js';
import { type ChainHead, diffScan, reconcileRecords } from './reconcileScan.js';

export interface BackupDeps {
  reader: CognitoReader;
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  clock: Clock;
}

export interface BackupResult {
  manifest: SnapshotManifest;
  /** Change records appended because the pool differs from the previous backup. */
  changes: number;
  first: boolean;
  notCaptured: OptionalComponent[];
  startedAt: string;
  finishedAt: string;
  warnings: string[];
}

/**
 * A full backup: read the whole pool, record what changed since the head state as `reconcile`
 * change records, then write a snapshot whose entities carry their chain versions. Records go in
 * before the snapshot, so an interrupted backup leaves history, never a snapshot ahead of its log.
 */
export async function takeBackup(
  deps: BackupDeps,
  poolId: string,
  onProgress?: ScanProgress,
): Promise<BackupResult> {
  const startedAt = deps.clock.now().toISOString();
  const scan = await readPoolState(deps.reader, poolId, onProgress);
  const observedAt = deps.clock.now().toISOString();
  const previous = await deps.snapshots.list(poolId);
  const warnings: string[] = [];
  const head = new Map<EntityKey, EntityEntry>();
  if (previous.length > 0) {
    const state = await stateAt(deps, poolId, observedAt);
    warnings.push(...state.warnings);
    for await (const entry of state.entities) head.set(entry.key, entry);
  }
  const { records, entries } =
    previous.length === 0
      ? await firstEntries(deps.changeLog, poolId, scan.entities)
      : await reconcile(deps.changeLog, poolId, head, scan, observedAt);
  for (const record of records) await deps.changeLog.append(record);

  const lastChangeId = records.at(-1)?.id ?? previous.at(-1)?.lastChangeId ?? null;
  const manifest = await deps.snapshots.write(
    {
      poolId,
      snapshotId: changeId(new Date(observedAt)),
      at: observedAt,
      createdAt: deps.clock.now().toISOString(),
      kind: 'scan',
      lastChangeId,
      counts: countByKind(entries.map((entry) => entry.key)),
      notCaptured: scan.notCaptured,
    },
    entries,
  );
  return {
    manifest,
    changes: records.length,
    first: previous.length === 0,
    notCaptured: scan.notCaptured,
    startedAt,
    finishedAt: deps.clock.now().toISOString(),
    warnings,
  };
}

async function reconcile(
  changeLog: ChangeLog,
  poolId: string,
  head: ReadonlyMap<EntityKey, EntityEntry>,
  scan: PoolScan,
  observedAt: string,
) {
  const diff = diffScan(head, scan.entities, scan.notCaptured);
  const chainHeads = new Map<EntityKey, ChainHead>();
  for (const { key } of diff.changed) {
    const record = await changeLog.head(poolId, key);
    if (record)
      chainHeads.set(key, { version: record.version, hash: record.hash, validFrom: record.validFrom });
  }
  return reconcileRecords(poolId, diff, chainHeads, observedAt);
}

/**
 * The first snapshot of a pool is the start of its history: it records no changes. Its entities
 * still join any chains the change log already holds (events captured before the first backup), so
 * later records never collide with earlier versions.
 */
async function firstEntries(changeLog: ChangeLog, poolId: string, scanned: readonly ScannedEntity[]) {
  const chains = new Map<EntityKey, { version: number; hash: string }>();
  for await (const record of changeLog.timeline(poolId)) {
    const known = chains.get(record.entity);
    if (!known || record.version > known.version)
      chains.set(record.entity, { version: record.version, hash: record.hash });
  }
  const entries: EntityEntry[] = scanned.map(({ key, doc }) => ({
    key,
    version: chains.get(key)?.version ?? 0,
    hash: chains.get(key)?.hash ?? null,
    doc,
  }));
  return { records: [] as ChangeRecord[], entries };
}
