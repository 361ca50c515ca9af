import { inParallel, toArray } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { changeId } from '../changes/makeRecord.js';
import { type ReadPoolOptions, readPoolState, type ScanProgress } from '../cognito/readPoolState.js';
import { BeforeFirstSnapshotError, SnapshotCorruptError, SnapshotMissingError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import { countByKind, type EntityEntry, type OptionalComponent } from '../model/poolState.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import type { ChangeLog, Clock, CognitoReader } from '../ports.js';
import { diffScan, reconcileRecords } from '../reconcile/reconcileScan.js';
import { replayEntities } from '../replay/replayEntities.js';
import { newestId, stateAt } from '../replay/stateAt.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';

const APPEND_CONCURRENCY = 16;

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
  /** Those records, for the archiver (delta segments). */
  records: ChangeRecord[];
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
  readOptions: ReadPoolOptions = {},
): Promise<BackupResult> {
  const startedAt = deps.clock.now().toISOString();
  // Before anything is read: whatever the reads below miss is late for this snapshot (ports.ts).
  const logPosition = await deps.changeLog.position(poolId);
  const scan = await readPoolState(deps.reader, poolId, onProgress, readOptions);
  const observedAt = deps.clock.now().toISOString();
  const warnings: string[] = [];
  const { head, first, lastChangeId: previousChangeId } = await headState(deps, poolId, observedAt, warnings);
  const diff = diffScan(head, scan.entities, scan.notCaptured, { userMfaRead: scan.userMfaRead });
  const heads = new Map<EntityKey, ChangeRecord>();
  await inParallel(diff.changed, APPEND_CONCURRENCY, async ({ key }) => {
    const record = await deps.changeLog.head(poolId, key);
    if (record) heads.set(key, record);
  });
  // The scan's start: a change the log recorded after it may be newer than what the scan read.
  const { records, entries, stale } = reconcileRecords(poolId, diff, heads, observedAt, {
    readAt: startedAt,
  });
  for (const why of stale) warnings.push(`kept the recorded state of ${why}`);
  // Entities are independent, so a table takes them in parallel; one entity's records go in order,
  // so an interrupted backup leaves each chain a prefix of itself, never a gap.
  await inParallel([...byEntity(records).values()], APPEND_CONCURRENCY, async (chain) => {
    for (const record of chain) await deps.changeLog.append(record);
  });

  const lastChangeId = newestId([previousChangeId, ...records.map((record) => record.id)]);
  const manifest = await deps.snapshots.write(
    {
      poolId,
      snapshotId: changeId(new Date(observedAt)),
      at: observedAt,
      createdAt: deps.clock.now().toISOString(),
      kind: 'scan',
      lastChangeId,
      logPosition,
      counts: countByKind(entries.map((entry) => entry.key)),
      notCaptured: scan.notCaptured,
    },
    entries,
  );
  return {
    manifest,
    changes: records.length,
    records,
    first,
    notCaptured: scan.notCaptured,
    startedAt,
    finishedAt: deps.clock.now().toISOString(),
    warnings,
  };
}

interface HeadState {
  head: Map<EntityKey, EntityEntry>;
  /** No usable snapshot: this backup starts the pool's snapshot history. */
  first: boolean;
  lastChangeId: string | null;
}

/** No snapshot usable as the base: all damaged, or (clock skew) all stamped after this backup. */
const isUnusable = (error: unknown) =>
  error instanceof SnapshotCorruptError ||
  error instanceof SnapshotMissingError ||
  error instanceof BeforeFirstSnapshotError;

/**
 * The pool as the store last knew it: the newest usable snapshot plus the change log. A damaged
 * snapshot or manifest never stops backups (they are how the damage gets repaired): it is reported,
 * and with no usable snapshot left the change log alone is the head.
 */
async function headState(
  deps: BackupDeps,
  poolId: string,
  at: string,
  warnings: string[],
): Promise<HeadState> {
  const { manifests, unreadable } = await deps.snapshots.survey(poolId);
  warnings.push(...unreadable.map((error) => `${error.message}; that snapshot was skipped`));
  const newest = manifests.at(-1);
  if (newest !== undefined) {
    try {
      const state = await stateAt(deps, poolId, at);
      warnings.push(...state.warnings.filter((w) => !warnings.includes(w)));
      return { head: await byKey(state.entities), first: false, lastChangeId: state.lastChangeId };
    } catch (error) {
      if (!isUnusable(error)) throw error;
      warnings.push(`${(error as Error).message}; backing up against the change log alone`);
    }
  }
  const records = await toArray(deps.changeLog.timeline(poolId, { upTo: at }));
  const head = await byKey(
    replayEntities([], records, at, { history: (entity) => deps.changeLog.entityHistory(poolId, entity) }),
  );
  return { head, first: true, lastChangeId: newestId(records.map((record) => record.id)) };
}

async function byKey(entities: AsyncIterable<EntityEntry>): Promise<Map<EntityKey, EntityEntry>> {
  const head = new Map<EntityKey, EntityEntry>();
  for await (const entry of entities) head.set(entry.key, entry);
  return head;
}

function byEntity(records: readonly ChangeRecord[]): Map<EntityKey, ChangeRecord[]> {
  const chains = new Map<EntityKey, ChangeRecord[]>();
  for (const record of records) {
    const chain = chains.get(record.entity);
    if (chain === undefined) chains.set(record.entity, [record]);
    else chain.push(record);
  }
  return chains;
}
