import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { compactFromLog } from '../backup/compactSnapshot.js';
import type { ChangeRecord, EntityChange } from '../changes/changeRecord.js';
import { foldChanges } from '../changes/foldEntity.js';
import { chainRecords } from '../changes/plannedChanges.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { JsonObject } from '../model/json.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { collectState, stateAt } from './stateAt.js';

/**
 * Late events change the past, not the present: replay orders an entity's records by valid time,
 * whatever order they were learnt in, through snapshots made before they arrived.
 */

const POOL = 'us-east-1_Late';
const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 0, minute)).toISOString();
const clock = { now: () => new Date('2024-05-02T00:00:00.000Z') };

const alice: JsonObject = {
  username: 'alice',
  attributes: { email: 'a@x', sub: 'sub-a' },
  enabled: true,
  status: 'CONFIRMED',
  groups: [],
  createdAt: t(1),
  modifiedAt: t(1),
};

/** Appends `change` at `minute` to alice's chain, learnt after everything before it. */
async function learn(log: MemoryChangeLog, minute: number, change: EntityChange): Promise<ChangeRecord> {
  const history = await toArray(log.entityHistory(POOL, 'user:alice'));
  const [record] = chainRecords(
    { history, head: history.at(-1) },
    [{ validFrom: t(minute), change, caused: false }],
    {
      poolId: POOL,
      entity: 'user:alice',
      observedAt: clock.now().toISOString(),
      source: 'cloudtrail',
    },
  );
  if (record === undefined) throw new Error('no record');
  await log.append(record);
  return record;
}

async function setup() {
  const log = new MemoryChangeLog();
  const snapshots = new SnapshotStore(new MemoryBlobStore());
  const scan = await snapshots.write(
    {
      poolId: POOL,
      snapshotId: ulid(Date.parse(t(0))),
      at: t(0),
      createdAt: t(0),
      kind: 'scan',
      lastChangeId: null,
      logPosition: await log.position(POOL),
      counts: {},
      notCaptured: [],
    },
    [],
  );
  await learn(log, 1, { whole: alice });
  await learn(log, 30, { set: { '/attributes/email': 'b@x' } });
  return { log, snapshots, scan };
}

const userAt = async (deps: { log: MemoryChangeLog; snapshots: SnapshotStore }, minute: number) =>
  (await collectState(await stateAt({ changeLog: deps.log, snapshots: deps.snapshots }, POOL, t(minute))))
    .users.alice;

describe('records learnt late', () => {
  it('land at their own time: a later value of the same field still wins after it, another field changes', async () => {
    const deps = await setup();
    const late = await learn(deps.log, 20, { set: { '/attributes/email': 'z@x', '/enabled': false } });
    // The present did not move where a later change overrides it.
    expect(late.after).toMatchObject({ attributes: { email: 'b@x' }, enabled: false });
    expect(await userAt(deps, 10)).toMatchObject({ attributes: { email: 'a@x' }, enabled: true });
    expect(await userAt(deps, 25)).toMatchObject({ attributes: { email: 'z@x' }, enabled: false });
    expect(await userAt(deps, 40)).toMatchObject({ attributes: { email: 'b@x' }, enabled: false });
    expect(verifyChain(await toArray(deps.log.entityHistory(POOL, 'user:alice')))).toEqual([]);
  });

  it('through a snapshot compacted before they arrived: the snapshot is not taken as the last word', async () => {
    const deps = await setup();
    const compacted = await compactFromLog(
      { snapshots: deps.snapshots, changeLog: deps.log },
      deps.scan,
      t(40),
      {
        clock,
      },
    );
    await learn(deps.log, 20, { set: { '/attributes/email': 'z@x', '/enabled': false } });
    await learn(deps.log, 35, { unknown: ['/status'] });
    const at45 = await stateAt({ changeLog: deps.log, snapshots: deps.snapshots }, POOL, t(45));
    expect(at45.base.snapshotId).toBe(compacted.snapshotId);
    const document = await collectState(at45);
    expect(document.users.alice).toMatchObject({ attributes: { email: 'b@x' }, enabled: false });
    expect(document.unknown).toEqual({ 'user:alice': ['/status'] });
    // And the next compaction folds them in.
    const next = await compactFromLog({ snapshots: deps.snapshots, changeLog: deps.log }, compacted, t(50), {
      clock,
    });
    const entries = await toArray((await deps.snapshots.open(next)).entries);
    expect(entries.map((e) => [e.key, e.doc.enabled, e.unknown])).toEqual([
      ['user:alice', false, ['/status']],
    ]);
  });

  it('a deletion learnt late ends the entity at its time, and a change learnt after it does not bring it back', async () => {
    const deps = await setup();
    await learn(deps.log, 40, { whole: null });
    await learn(deps.log, 35, { set: { '/enabled': false } });
    expect(await userAt(deps, 36)).toMatchObject({ enabled: false });
    expect(await userAt(deps, 41)).toBeUndefined();
    const head = await deps.log.head(POOL, 'user:alice');
    expect(head?.after).toBeNull();
  });

  it('folds the same whatever order the changes come in', () => {
    const changes: [number, EntityChange][] = [
      [1, { whole: alice }],
      [2, { set: { '/groups/ops': true } }],
      [3, { unset: ['/attributes/email'] }],
      [4, { unknown: ['/attributes/email'] }],
      [5, { set: { '/attributes': { sub: 'sub-a', phone: '+1' } } }],
    ];
    const records = changes.map(
      ([minute, change], index) => ({ validFrom: t(minute), change, version: index + 1 }) as ChangeRecord,
    );
    const expected = foldChanges('user', { doc: null, unknown: [] }, records);
    expect(expected.doc).toMatchObject({ groups: ['ops'], attributes: { sub: 'sub-a', phone: '+1' } });
    expect(expected.unknown).toEqual([]);
    const reversed = [...records].reverse();
    expect(foldChanges('user', { doc: null, unknown: [] }, reversed)).toEqual(expected);
  });
});
