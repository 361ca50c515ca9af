import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import {
  BeforeFirstSnapshotError,
  InvalidInputError,
  SnapshotCorruptError,
  UnknownPoolError,
} from '../errors.js';
import { countByKind } from '../model/poolState.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { collectState, stateAt } from './stateAt.js';
import { TestHistory, truthAt } from './testHistory.testing.js';

const POOL = 'us-east-1_State';
const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();
const INITIAL = { pool: { Name: 'shop' }, 'user:alice': { username: 'alice', enabled: true } };

/**
 * A pool scanned at minute 0, changed at minutes 5, 15 and 25, snapshotted (as a scan would) at
 * minutes 0, 10 and 20. Every record is in the change log.
 */
async function setup() {
  const blobs = new MemoryBlobStore();
  const snapshots = new SnapshotStore(blobs);
  const changeLog = new MemoryChangeLog();
  const history = new TestHistory(POOL, INITIAL);
  const manifests: SnapshotManifest[] = [];
  const snapshot = async (minute: number, id = ulid(Date.parse(t(minute)))) => {
    const entries = history.snapshot();
    const manifest = await snapshots.write(
      {
        poolId: POOL,
        snapshotId: id,
        at: t(minute),
        createdAt: t(minute),
        kind: 'scan',
        lastChangeId: history.records.at(-1)?.id ?? null,
        counts: countByKind(entries.map((entry) => entry.key)),
        notCaptured: ['tags'],
      },
      entries,
    );
    manifests.push(manifest);
    return manifest;
  };
  await snapshot(0);
  history.change('user:bob', { username: 'bob', enabled: true }, t(5));
  await snapshot(10);
  history.change('user:alice', { username: 'alice', enabled: false }, t(15));
  await snapshot(20);
  history.change('user:bob', null, t(25));
  for (const record of history.records) await changeLog.append(record);
  return { blobs, snapshots, changeLog, history, manifests, deps: { snapshots, changeLog } };
}

describe('stateAt', () => {
  it('replays from the newest snapshot at or before T', async () => {
    const { deps, history, manifests } = await setup();
    for (const [minute, base] of [
      [0, 0],
      [12, 1],
      [20, 2],
      [30, 2],
    ] as const) {
      const result = await stateAt(deps, POOL, t(minute));
      expect(result.base).toEqual(manifests[base]);
      expect(result.warnings).toEqual([]);
      expect(result.notCaptured).toEqual(['tags']);
      expect(await toArray(result.entities)).toEqual(truthAt(INITIAL, history.records, t(minute)));
    }
  });

  it('collects the state into the pool document', async () => {
    const { deps } = await setup();
    const document = await collectState(await stateAt(deps, POOL, t(16)));
    expect(document).toMatchObject({
      poolId: POOL,
      at: t(16),
      notCaptured: ['tags'],
      pool: { Name: 'shop' },
      users: {
        alice: { username: 'alice', enabled: false },
        bob: { username: 'bob', enabled: true },
      },
      groups: {},
    });
  });

  it('takes the newest snapshot id when two share the same time', async () => {
    const { deps, snapshots } = await setup();
    const [older, newer] = [ulid(Date.parse(t(30))), ulid(Date.parse(t(30)) + 1)];
    const write = (id: string) =>
      snapshots.write(
        {
          poolId: POOL,
          snapshotId: id,
          at: t(30),
          createdAt: t(30),
          kind: 'scan',
          lastChangeId: null,
          counts: {},
          notCaptured: [],
        },
        [],
      );
    await write(newer);
    await write(older);
    expect((await stateAt(deps, POOL, t(31))).base.snapshotId).toBe(newer);
  });

  it('falls back to the previous snapshot when the newest is corrupt, and says which', async () => {
    const { deps, blobs, history, manifests } = await setup();
    const newest = manifests[2];
    const bytes = newest && blobs.objects.get(newest.object);
    if (newest === undefined || bytes === undefined) throw new Error('setup failed');
    bytes.set([(bytes.at(-5) ?? 0) ^ 0xff], bytes.length - 5);
    const result = await stateAt(deps, POOL, t(30));
    expect(result.base).toEqual(manifests[1]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain(`snapshot ${newest.object} is corrupt`);
    // The records since the older snapshot are still in the log, so the state is whole.
    expect(await toArray(result.entities)).toEqual(truthAt(INITIAL, history.records, t(30)));
  });

  it('falls back when the newest snapshot object is missing', async () => {
    const { deps, blobs, history, manifests } = await setup();
    const newest = manifests[2];
    if (newest === undefined) throw new Error('setup failed');
    blobs.objects.delete(newest.object);
    const result = await stateAt(deps, POOL, t(21));
    expect(result.base).toEqual(manifests[1]);
    expect(result.warnings[0]).toContain(`snapshot ${newest.object} is missing`);
    expect(await toArray(result.entities)).toEqual(truthAt(INITIAL, history.records, t(21)));
  });

  it('lists only the days just before T when a snapshot is that recent, never the whole history', async () => {
    const { deps, blobs } = await setup();
    const listed: string[] = [];
    const list = blobs.list.bind(blobs);
    blobs.list = (prefix: string) => {
      listed.push(prefix);
      return list(prefix);
    };
    await stateAt(deps, POOL, t(30));
    expect(listed).toEqual([`cognito-backup/${POOL}/snapshots/2024/05/01/`]);
    listed.length = 0;
    // Two days later there is nothing that recent: the days are listed, then the whole history.
    const result = await stateAt(deps, POOL, '2024-05-03T10:00:00.000Z');
    expect(result.base.at).toBe(t(20));
    expect(listed).toEqual([
      `cognito-backup/${POOL}/snapshots/2024/05/03/`,
      `cognito-backup/${POOL}/snapshots/2024/05/02/`,
      `cognito-backup/${POOL}/snapshots/`,
    ]);
  });

  it('skips an unreadable manifest with a warning naming it, and never reads older ones', async () => {
    const { deps, blobs, manifests } = await setup();
    const key = `cognito-backup/${POOL}/snapshots/2024/05/01/102500-${ulid()}.manifest.json`;
    await blobs.put(key, new TextEncoder().encode('not json'));
    const older = `cognito-backup/${POOL}/snapshots/2024/05/01/101500-${ulid()}.manifest.json`;
    await blobs.put(older, new TextEncoder().encode('not json either'));
    const result = await stateAt(deps, POOL, t(30));
    expect(result.warnings).toEqual([expect.stringContaining(`snapshot ${key} is corrupt`)]);
    expect(result.base.snapshotId).toBe(manifests[2]?.snapshotId);
  });

  it('throws the corruption when no usable snapshot remains', async () => {
    const { deps, blobs, manifests } = await setup();
    for (const manifest of manifests) blobs.objects.get(manifest.object)?.fill(0, 20, 40);
    await expect(stateAt(deps, POOL, t(30))).rejects.toThrow(SnapshotCorruptError);
    await expect(stateAt(deps, POOL, t(30))).rejects.toThrow(manifests[2]?.object ?? '?');
  });

  it('applies a record that arrived after a snapshot it predates', async () => {
    const { deps, history, changeLog } = await setup();
    // Stamped minute 18 (before the minute-20 snapshot) but captured late, so that snapshot lacks it.
    const late = history.change('group:late', { GroupName: 'late' }, t(18));
    if (late === undefined) throw new Error('no record');
    await changeLog.append(late);
    const entries = await toArray((await stateAt(deps, POOL, t(21))).entities);
    expect(entries.find((entry) => entry.key === 'group:late')?.doc).toEqual({ GroupName: 'late' });
  });

  it('names the first snapshot time when T lies before it', async () => {
    const { deps } = await setup();
    const early = '2024-05-01T09:59:59.999Z';
    await expect(stateAt(deps, POOL, early)).rejects.toThrow(BeforeFirstSnapshotError);
    await expect(stateAt(deps, POOL, early)).rejects.toThrow(
      `--at ${early} is before the first snapshot of this pool (${t(0)})`,
    );
  });

  it('refuses an unknown pool and a time that does not parse', async () => {
    const { deps } = await setup();
    await expect(stateAt(deps, 'us-east-1_Nope', t(1))).rejects.toThrow(UnknownPoolError);
    await expect(stateAt(deps, POOL, 'last tuesday')).rejects.toThrow(InvalidInputError);
  });
});
