import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { InvalidInputError, SnapshotCorruptError } from '../errors.js';
import { countByKind } from '../model/poolState.js';
import type { Clock } from '../ports.js';
import { replayEntities } from '../replay/replayEntities.js';
import { historyIn, TestHistory, truthAt } from '../replay/testHistory.testing.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { compactIfChanged, compactSnapshot } from './compactSnapshot.js';

const POOL = 'us-east-1_Compact';
const t = (minute: number) => new Date(Date.UTC(2024, 6, 1, 0, minute)).toISOString();
const INITIAL = { pool: { Name: 'p' }, 'user:alice': { username: 'alice' }, 'user:bob': { username: 'bob' } };
const clock: Clock = { now: () => new Date(t(59)) };

async function setup() {
  const blobs = new MemoryBlobStore();
  const store = new SnapshotStore(blobs);
  const history = new TestHistory(POOL, INITIAL);
  const entries = history.snapshot();
  const base = await store.write(
    {
      poolId: POOL,
      snapshotId: ulid(Date.parse(t(0))),
      at: t(0),
      createdAt: t(0),
      kind: 'scan',
      lastChangeId: null,
      counts: countByKind(entries.map((entry) => entry.key)),
      notCaptured: ['riskConfiguration'],
    },
    entries,
  );
  history.change('user:carol', { username: 'carol' }, t(10));
  history.change('user:alice', null, t(20));
  history.change('group:g', { GroupName: 'g' }, t(30));
  history.change('user:bob', { username: 'bob', enabled: false }, t(40));
  return { blobs, store, history, base };
}

describe('compactSnapshot', () => {
  it('folds the records valid by T into a new snapshot at T', async () => {
    const { store, history, base } = await setup();
    const compacted = await compactSnapshot(store, base, history.records, t(30), { clock });
    const folded = history.records.filter((record) => record.validFrom <= t(30));
    expect(compacted).toMatchObject({
      poolId: POOL,
      at: t(30),
      createdAt: t(59),
      kind: 'compaction',
      base: base.snapshotId,
      lastChangeId: folded.at(-1)?.id,
      counts: { group: 1, pool: 1, user: 2 },
      entities: 4,
      notCaptured: ['riskConfiguration'],
    });
    const opened = await store.open(compacted);
    expect(opened.header).toMatchObject({ kind: 'compaction', base: base.snapshotId, at: t(30) });
    expect(await toArray(opened.entries)).toEqual(truthAt(INITIAL, history.records, t(30)));
    expect((await store.list(POOL)).map((m) => m.snapshotId)).toEqual([
      base.snapshotId,
      compacted.snapshotId,
    ]);
  });

  it('replays from the compacted snapshot to what replay from the base gives, after T', async () => {
    const { store, history, base } = await setup();
    const compacted = await compactSnapshot(store, base, history.records, t(25), { clock });
    for (const minute of [25, 30, 45]) {
      const options = (at: string) => ({ baseAt: at, history: historyIn(history.records) });
      const viaBase = await toArray(
        replayEntities((await store.open(base)).entries, history.records, t(minute), options(base.at)),
      );
      const viaCompacted = await toArray(
        replayEntities(
          (await store.open(compacted)).entries,
          history.records,
          t(minute),
          options(compacted.at),
        ),
      );
      expect(viaCompacted).toEqual(viaBase);
    }
  });

  it('keeps the base change id when no record is folded in', async () => {
    const { store, base } = await setup();
    const id = ulid(Date.parse(t(59)));
    const compacted = await compactSnapshot(store, base, [], t(5), { clock, newId: () => id });
    expect(compacted).toMatchObject({ lastChangeId: null, snapshotId: id });
    expect(await toArray((await store.open(compacted)).entries)).toEqual(
      await toArray((await store.open(base)).entries),
    );
  });

  it('refuses to compact back in time or with records of another pool', async () => {
    const { store, history, base } = await setup();
    await expect(compactSnapshot(store, base, [], '2024-06-30T23:59:59Z', { clock })).rejects.toThrow(
      InvalidInputError,
    );
    const stranger = history.records.map((record) => ({ ...record, poolId: 'us-east-1_Other' }));
    await expect(compactSnapshot(store, base, stranger, t(30), { clock })).rejects.toThrow(
      /belongs to us-east-1_Other/,
    );
  });

  it('writes nothing when the base is corrupt', async () => {
    const { blobs, store, history, base } = await setup();
    blobs.objects.get(base.object)?.fill(7, 10, 12);
    const before = blobs.objects.size;
    await expect(compactSnapshot(store, base, history.records, t(30), { clock })).rejects.toThrow(
      SnapshotCorruptError,
    );
    expect(blobs.objects.size).toBe(before);
  });

  it('writes nothing for an idle pool, then folds in the first record appended after all', async () => {
    const { store, history, base } = await setup();
    const changeLog = new MemoryChangeLog();
    for (const record of history.records) await changeLog.append(record);
    const deps = { snapshots: store, changeLog };
    const hour = await compactIfChanged(deps, base, t(45), { clock });
    expect(hour).toMatchObject({ base: base.snapshotId, at: t(45) });
    if (hour === undefined) return;
    const listed = async () => (await store.list(POOL)).map((m) => m.snapshotId);

    // Nothing appended since: no new snapshot, however late the next run.
    expect(await compactIfChanged(deps, hour, t(50), { clock })).toBeUndefined();
    expect(await compactIfChanged(deps, hour, t(59), { clock })).toBeUndefined();
    expect(await listed()).toEqual([base.snapshotId, hour.snapshotId]);

    // One record, even a late one valid before the snapshot, is a change.
    const late = history.change('user:bob', { username: 'bob', enabled: true }, t(44));
    if (late !== undefined) await changeLog.append(late);
    const next = await compactIfChanged(deps, hour, t(59), { clock });
    expect(next).toMatchObject({ base: hour.snapshotId, lastChangeId: late?.id });
    expect(await listed()).toEqual([base.snapshotId, hour.snapshotId, next?.snapshotId]);
  });
});
