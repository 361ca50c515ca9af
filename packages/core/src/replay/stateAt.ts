import { toArray } from '../asyncIterables.js';
import { parseInstant } from '../changes/canonicalTime.js';
import {
  BeforeFirstSnapshotError,
  SnapshotCorruptError,
  SnapshotMissingError,
  UnknownPoolError,
} from '../errors.js';
import { type EntityEntry, type PoolStateDocument, toPoolDocument } from '../model/poolState.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import type { ChangeLog } from '../ports.js';
import type { OpenedSnapshot } from '../snapshots/codec.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type ReplayOptions, replayEntities } from './replayEntities.js';
import { recordsForReplay } from './replayRecords.js';

export interface StateAtDeps {
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
}

export interface StateAtResult {
  /** The requested instant, as ISO-8601 UTC. */
  at: string;
  /** The snapshot the state was replayed from. */
  base: SnapshotManifest;
  /** The newest change record (by id) at or before `at`, or the base's, whichever is newer. */
  lastChangeId: string | null;
  notCaptured: string[];
  /** Snapshots or manifests that were skipped because they are corrupt or missing. */
  warnings: string[];
  /** The pool's entities at `at`, in key order; read once. */
  entities: AsyncIterable<EntityEntry>;
}

const isSkippable = (error: unknown): error is SnapshotCorruptError | SnapshotMissingError =>
  error instanceof SnapshotCorruptError || error instanceof SnapshotMissingError;

/**
 * Opens the newest usable snapshot taken at or before `requested`. A corrupt or missing one is
 * skipped with a warning: the change log still holds every record since the older snapshot.
 */
async function openNewestUsable(
  snapshots: SnapshotStore,
  poolId: string,
  requested: string,
  warnings: string[],
): Promise<{ manifest: SnapshotManifest; opened: OpenedSnapshot }> {
  let firstFailure: Error | undefined;
  for await (const candidate of snapshots.newestAtOrBefore(poolId, Date.parse(requested))) {
    if (candidate instanceof SnapshotCorruptError) {
      firstFailure ??= candidate;
      warnings.push(`${candidate.message}; that snapshot was skipped`);
      continue;
    }
    try {
      return { manifest: candidate, opened: await snapshots.open(candidate) };
    } catch (error) {
      if (!isSkippable(error)) throw error;
      firstFailure ??= error;
      warnings.push(`${error.message}; replaying from an older snapshot instead`);
    }
  }
  if (firstFailure !== undefined) throw firstFailure;
  const oldest = await snapshots.oldest(poolId);
  if (oldest !== undefined) throw new BeforeFirstSnapshotError(requested, oldest.at);
  const { unreadable } = await snapshots.survey(poolId);
  throw unreadable[0] ?? new UnknownPoolError(poolId);
}

/**
 * The state of a pool at `at`: the newest snapshot taken at or before it, plus every change record
 * valid by then. The snapshot is verified against its manifest before any entity is produced.
 */
export async function stateAt(deps: StateAtDeps, poolId: string, at: string): Promise<StateAtResult> {
  const requested = new Date(parseInstant(at)).toISOString();
  const warnings: string[] = [];
  const { manifest, opened } = await openNewestUsable(deps.snapshots, poolId, requested, warnings);

  const records = await recordsForReplay(deps.changeLog, manifest, requested);

  return {
    at: requested,
    base: manifest,
    lastChangeId: newestId([manifest.lastChangeId, ...records.map((record) => record.id)]),
    notCaptured: [...manifest.notCaptured],
    warnings,
    entities: replayEntities(opened.entries, records, requested, historyOf(deps.changeLog, manifest)),
  };
}

/** What replay from `base` needs to fold an entity whose records arrived late from its whole history. */
export const historyOf = (changeLog: ChangeLog, base: { poolId: string; at: string }): ReplayOptions => ({
  baseAt: base.at,
  history: (entity) => changeLog.entityHistory(base.poolId, entity),
});

/** Reads the whole state into the nested document `restore-cli state` prints. */
export async function collectState(result: StateAtResult): Promise<PoolStateDocument> {
  const entities = await toArray(result.entities);
  return toPoolDocument(result.base.poolId, result.at, result.notCaptured, entities);
}

/** ULIDs sort by time as strings: the greatest is the newest. */
export function newestId(ids: readonly (string | null | undefined)[]): string | null {
  let newest: string | null = null;
  for (const id of ids) if (id && (newest === null || id > newest)) newest = id;
  return newest;
}
