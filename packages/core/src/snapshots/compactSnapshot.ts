import { monotonicFactory } from 'ulid';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { InvalidInputError } from '../errors.js';
import { parseEntityKey } from '../model/entityKey.js';
import type { ComponentCounts } from '../model/poolState.js';
import type { Clock } from '../ports.js';
import { parseInstant, replayEntities } from '../replay/replayEntities.js';
import type { SnapshotManifest } from './format.js';
import type { SnapshotStore } from './snapshotStore.js';

export interface CompactOptions {
  clock: Clock;
  /** The new snapshot's id; a ULID of the clock's now by default. */
  newId?: () => string;
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
  const counting = await store.open(base);
  const onApply = (record: ChangeRecord) => {
    lastChangeId = maxId(lastChangeId, record.id);
  };
  for await (const entry of replayEntities(counting.entries, own, until, { onApply })) {
    const { kind } = parseEntityKey(entry.key);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }

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
      counts,
      notCaptured: [...base.notCaptured],
    },
    replayEntities(encoding.entries, own, until),
  );
}
