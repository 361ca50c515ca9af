import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { countByKind, type EntityEntry } from '../model/poolState.js';
import { TestHistory } from '../replay/testHistory.testing.js';
import { archiveRecords } from '../segments/archiveRecords.js';
import { SegmentChangeLog } from '../segments/segmentChangeLog.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { verifyPool } from './verifyPool.js';

/**
 * The bucket alone (a DR region: no table, so no catalog vouches for a snapshot; the delta segments
 * are the chains): a snapshot that lacks an entity its chain says existed at the snapshot's time.
 */

const POOL = 'us-east-1_Dropped';
const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();
const clockAt = (minute: number) => ({ now: () => new Date(t(minute)) });

/** A snapshot at `minute`, made then, whose log position is 5 minutes before (a time, as the table's). */
const header = (minute: number, entries: readonly EntityEntry[]) => ({
  poolId: POOL,
  snapshotId: ulid(Date.parse(t(minute))),
  at: t(minute),
  createdAt: t(minute),
  kind: 'compaction' as const,
  lastChangeId: null,
  logPosition: t(minute - 5),
  counts: countByKind(entries.map((e) => e.key)),
  notCaptured: [],
});

/** admins, alice and carol, created in the first minutes; what `more` adds; archived at `archivedAt`. */
async function bucket(more: (history: TestHistory) => void = () => {}) {
  const blobs = new MemoryBlobStore();
  const history = new TestHistory(POOL);
  history.change('group:admins', { GroupName: 'admins' }, t(1));
  history.change('user:alice', { username: 'alice', attributes: {} }, t(2));
  history.change('user:carol', { username: 'carol', attributes: {} }, t(3));
  more(history);
  const snapshots = new SnapshotStore(blobs);
  const archive = (records: readonly ChangeRecord[], minute: number) =>
    archiveRecords(blobs, POOL, records, clockAt(minute));
  const verify = () =>
    verifyPool({ snapshots, changeLog: new SegmentChangeLog(blobs, { clock: clockAt(50) }) }, POOL);
  return { history, snapshots, archive, verify };
}

const without = (entries: EntityEntry[], key: string) => entries.filter((entry) => entry.key !== key);

describe('a snapshot that lacks an entity, with the bucket alone', () => {
  it('is named, with the entity its chain says existed at the snapshot time', async () => {
    const { history, snapshots, archive, verify } = await bucket();
    await archive(history.records, 5);
    await snapshots.write(header(30, history.snapshot()), history.snapshot());
    const dropped = without(history.snapshot(), 'user:carol');
    const forged = await snapshots.write(header(40, dropped), dropped);
    expect((await verify()).problems).toEqual([
      {
        where: forged.object,
        problem: `user:carol is missing: its chain says it existed at ${t(40)}`,
      },
    ]);
  });

  it('is no problem in an honest store', async () => {
    const { history, snapshots, archive, verify } = await bucket();
    await archive(history.records, 5);
    await snapshots.write(header(30, history.snapshot()), history.snapshot());
    await snapshots.write(header(40, history.snapshot()), history.snapshot());
    expect((await verify()).problems).toEqual([]);
  });

  it('is no problem when the entity was deleted before the snapshot time', async () => {
    const { history, snapshots, archive, verify } = await bucket((h) => h.change('user:carol', null, t(10)));
    await archive(history.records, 12);
    expect(history.snapshot().map((e) => e.key)).not.toContain('user:carol');
    await snapshots.write(header(40, history.snapshot()), history.snapshot());
    expect((await verify()).problems).toEqual([]);
  });

  it('is no false alarm for a late record: the creation was appended after the snapshot took its position', async () => {
    const { history, snapshots, archive, verify } = await bucket();
    const carol = history.records.filter((r) => r.entity === 'user:carol');
    await archive(
      history.records.filter((r) => r.entity !== 'user:carol'),
      5,
    );
    // Valid at minute 3, but it reached the log only at minute 39: after the position (minute 35).
    await archive(carol, 39);
    const before = without(history.snapshot(), 'user:carol');
    await snapshots.write(header(40, before), before);
    expect((await verify()).problems).toEqual([]);
  });
});
