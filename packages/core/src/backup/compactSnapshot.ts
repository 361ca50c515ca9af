import { monotonicFactory } from 'ulid';
import { parseInstant } from '../changes/canonicalTime.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { InvalidInputError } from '../errors.js';
import { parseEntityKey } from '../model/entityKey.js';
import type { ComponentCounts } from '../model/poolState.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import type { ChangeLog, Clock } from '../ports.js';
import { type ReplayOptions, replayEntities } from '../replay/replayEntities.js';
import { recordsForReplay } from '../replay/replayRecords.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';

export interface CompactOptions {
  clock: Clock;
  /** The new snapshot's id; a ULID of the clock's now by default. */
  newId?: () => string;
  /** The change log position taken before `records` were read (see `SnapshotHeader.logPosition`). */
  logPosition?: string;
  /** One entity's whole history, for entities whose records arrived late for `base` (see `replayEntities`). */
  history?: ReplayOptions['history'];
}

export interface CompactDeps {
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
}

/**
 * The hourly compaction: `base` plus the records since it (the bounded read replay uses: valid after
 * it, or late for it), folded into a new snapshot at `at`. The log position is taken before the read,
 * so whatever the read misses is late for the new snapshot and found by the next replay.
 */
export async function compactFromLog(
  deps: CompactDeps,
  base: SnapshotManifest,
  at: string,
  options: Omit<CompactOptions, 'logPosition'>,
): Promise<SnapshotManifest> {
  const made = await compactLog(deps, base, at, options, false);
  if (made === undefined) throw new Error('unreachable: a compaction that must write wrote nothing');
  return made;
}

/**
 * `compactFromLog`, except that nothing is written when no change record folds into `base` (an idle
 * pool): the answer is then undefined, and `base` stays the newest snapshot. A snapshot identical to
 * its base but for its time would only add an object per pool per hour and a manifest to every
 * listing; replay from `base` at any later time gives the same state, and the records that arrive
 * later are found through `base`'s log position as they would be through a new one's.
 */
export async function compactIfChanged(
  deps: CompactDeps,
  base: SnapshotManifest,
  at: string,
  options: Omit<CompactOptions, 'logPosition'>,
): Promise<SnapshotManifest | undefined> {
  return compactLog(deps, base, at, options, true);
}

async function compactLog(
  deps: CompactDeps,
  base: SnapshotManifest,
  at: string,
  options: Omit<CompactOptions, 'logPosition'>,
  onlyIfChanged: boolean,
): Promise<SnapshotManifest | undefined> {
  const until = new Date(parseInstant(at)).toISOString();
  const logPosition = await deps.changeLog.position(base.poolId);
  const records = await recordsForReplay(deps.changeLog, base, until);
  return compact(
    deps.snapshots,
    base,
    records,
    until,
    {
      ...options,
      logPosition,
      history: (entity) => deps.changeLog.entityHistory(base.poolId, entity),
    },
    onlyIfChanged,
  );
}

const nextUlid = monotonicFactory();

const maxId = (a: string | null, b: string): string => (a === null || b > a ? b : a);

/**
 * A new snapshot at `at` made from `base` plus the change records, with no Cognito calls. Counts go
 * in the header, so the replay runs twice: a counting pass (over a verified base), then the pass that
 * is encoded. Neither holds more than the records and one entity in memory.
 *
 * Replaying the result at any T ≥ `at` gives what replaying `base` would: each entity keeps the
 * version of the last record folded in, so the same records are not applied twice, and records
 * valid after `at` stay for later replays.
 */
export async function compactSnapshot(
  store: SnapshotStore,
  base: SnapshotManifest,
  records: Iterable<ChangeRecord>,
  at: string,
  options: CompactOptions,
): Promise<SnapshotManifest> {
  const made = await compact(store, base, records, at, options, false);
  if (made === undefined) throw new Error('unreachable: a compaction that must write wrote nothing');
  return made;
}

async function compact(
  store: SnapshotStore,
  base: SnapshotManifest,
  records: Iterable<ChangeRecord>,
  at: string,
  options: CompactOptions,
  onlyIfChanged: boolean,
): Promise<SnapshotManifest | undefined> {
  const until = new Date(parseInstant(at)).toISOString();
  if (Date.parse(until) < Date.parse(base.at))
    throw new InvalidInputError(`cannot compact snapshot ${base.snapshotId} (${base.at}) back to ${until}`);
  const own = [...records];
  const stranger = own.find((record) => record.poolId !== base.poolId);
  if (stranger !== undefined)
    throw new InvalidInputError(
      `change record ${stranger.id} belongs to ${stranger.poolId}, not ${base.poolId}`,
    );

  const counts: ComponentCounts = {};
  let lastChangeId = base.lastChangeId;
  let applied = 0;
  // Opened (and its digest checked) even when nothing changed: a damaged base is found every hour.
  const counting = await store.open(base);
  const onApply = (record: ChangeRecord) => {
    applied += 1;
    lastChangeId = maxId(lastChangeId, record.id);
  };
  const replay = { baseAt: base.at, ...(options.history === undefined ? {} : { history: options.history }) };
  for await (const entry of replayEntities(counting.entries, own, until, { ...replay, onApply })) {
    const { kind } = parseEntityKey(entry.key);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  if (onlyIfChanged && applied === 0) return undefined;

  // The base was just verified; this pass still checks its digest as it ends, and a failure there
  // fails the write, so nothing half-made is ever listed.
  const encoding = await store.stream(base);
  const now = options.clock.now();
  return store.write(
    {
      poolId: base.poolId,
      snapshotId: options.newId?.() ?? nextUlid(now.getTime()),
      at: until,
      createdAt: now.toISOString(),
      kind: 'compaction',
      lastChangeId,
      base: base.snapshotId,
      ...(options.logPosition === undefined ? {} : { logPosition: options.logPosition }),
      counts,
      notCaptured: [...base.notCaptured],
    },
    replayEntities(encoding.entries, own, until, replay),
  );
}
