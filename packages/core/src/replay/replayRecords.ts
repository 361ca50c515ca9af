import type { ChangeRecord } from '../changes/changeRecord.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import type { ChangeLog } from '../ports.js';

/**
 * The change records a replay from `base` to `until` needs, and no others:
 * - those valid after the snapshot, up to `until` (the timeline, by validFrom), and
 * - those appended since the snapshot's log position and valid by `until`: records that arrived late
 *   for it (validFrom ≤ base.at, but not yet in the log when the snapshot was made).
 * Everything else is already folded into the snapshot, so the cost is what changed since it, not the
 * age of the pool's history. A snapshot without a position (made by an older version) cannot tell
 * what it missed: then the whole timeline up to `until` is read, as before.
 *
 * The two reads overlap (a record valid after `base.at` and appended after the position is in both);
 * replay counts a record id once. Records already folded in (the log's position margin) are skipped
 * by replay's version floor.
 */
export async function recordsForReplay(
  changeLog: ChangeLog,
  base: SnapshotManifest,
  until: string,
): Promise<ChangeRecord[]> {
  const poolId = base.poolId;
  const records: ChangeRecord[] = [];
  if (base.logPosition === undefined) {
    for await (const record of changeLog.timeline(poolId, { upTo: until })) records.push(record);
    return records;
  }
  for await (const record of changeLog.timeline(poolId, { after: base.at, upTo: until }))
    records.push(record);
  for await (const record of changeLog.appendedSince(poolId, base.logPosition, { validUpTo: until }))
    records.push(record);
  return records;
}
