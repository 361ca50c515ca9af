import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { MemorySnapshotCatalog } from '../adapters/memory/memorySnapshotCatalog.js';
import { countByKind, type EntityEntry } from '../model/poolState.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { TestHistory } from '../replay/testHistory.testing.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { verifyPool } from './verifyPool.js';

const POOL = 'us-east-1_Forged';
const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();

const header = (minute: number, entries: readonly EntityEntry[]) => ({
  poolId: POOL,
  snapshotId: ulid(Date.parse(t(minute))),
  at: t(minute),
  createdAt: t(minute),
  kind: 'scan' as const,
  lastChangeId: null,
  counts: countByKind(entries.map((e) => e.key)),
  notCaptured: [],
});

/**
 * A pool with a genuine snapshot at minute 30 (the table's catalog records it), and one more at
 * minute 40 written straight to the bucket by someone who cannot write to the table: self-consistent
 * (manifest, sha256, counts), alice's email changed, mallory injected as an admin, carol dropped.
 */
async function forgedPool() {
  const blobs = new MemoryBlobStore();
  const catalog = new MemorySnapshotCatalog();
  const changeLog = new MemoryChangeLog();
  const history = new TestHistory(POOL);
  history.change('group:admins', { GroupName: 'admins' }, t(1));
  history.change('user:alice', { username: 'alice', attributes: { email: 'alice@example.com' } }, t(2));
  history.change('user:carol', { username: 'carol', attributes: {} }, t(3));
  for (const record of history.records) await changeLog.append(record);
  const vouched = new SnapshotStore(blobs, { catalog });
  const genuine = await vouched.write(header(30, history.snapshot()), history.snapshot());

  const forgedEntries = history
    .snapshot()
    .filter((e) => e.key !== 'user:carol')
    .map((e) =>
      e.key === 'user:alice'
        ? { ...e, doc: { username: 'alice', attributes: { email: 'mallory@evil.example' } } }
        : e,
    );
  forgedEntries.push({
    key: 'user:mallory',
    version: 0,
    hash: null,
    doc: { username: 'mallory', attributes: {}, groups: ['admins'] },
  });
  const forged = await new SnapshotStore(blobs).write(header(40, forgedEntries), forgedEntries);
  return { blobs, catalog, changeLog, vouched, genuine, forged };
}

describe('a snapshot forged in the bucket', () => {
  it('is refused by verify, naming it, where the table catalogues snapshots', async () => {
    const { vouched, changeLog, forged } = await forgedPool();
    const report = await verifyPool({ snapshots: vouched, changeLog }, POOL);
    expect(report.problems).toEqual([
      {
        where: forged.object,
        problem: expect.stringMatching(
          /is not one the table vouches for: the table has no record of snapshot .* at 2024-05-01T10:40:00.000Z/,
        ),
      },
    ]);
  });

  it('is never the base of a state: the one before it is, and the answer says so', async () => {
    const { vouched, changeLog, genuine, forged } = await forgedPool();
    const result = await stateAt({ snapshots: vouched, changeLog }, POOL, t(45));
    expect(result.base.snapshotId).toBe(genuine.snapshotId);
    expect(result.warnings).toEqual([
      expect.stringContaining(`${forged.object} is not one the table vouches for`),
    ]);
    const state = await collectState(result);
    expect(Object.keys(state.users).sort()).toEqual(['alice', 'carol']);
    expect(state.users.alice).toMatchObject({ attributes: { email: 'alice@example.com' } });
  });

  it('is refused when its manifest differs from the one the table recorded, though its bytes match', async () => {
    const { blobs, vouched, changeLog, genuine } = await forgedPool();
    // The genuine manifest rewritten: a later log position would hide records from replay.
    const key = genuine.object.replace('.ndjson.gz', '.manifest.json');
    blobs.objects.set(key, new TextEncoder().encode(JSON.stringify({ ...genuine, logPosition: '99' })));
    const [manifest] = await vouched.list(POOL);
    await expect(vouched.open(manifest as typeof genuine)).rejects.toThrow(
      /differs from the one the table recorded \(logPosition\)/,
    );
    const report = await verifyPool({ snapshots: vouched, changeLog }, POOL);
    expect(report.problems.map((p) => p.where)).toContain(genuine.object);
  });

  it('with the bucket alone, still contradicts the log: a changed document, a version-0 entity nothing records', async () => {
    const { blobs, changeLog, forged } = await forgedPool();
    const report = await verifyPool({ snapshots: new SnapshotStore(blobs), changeLog }, POOL);
    expect(report.problems).toEqual([
      {
        where: `${forged.object} entry user:alice`,
        problem: "its document is not version 1's after-image in the log",
      },
      {
        where: `${forged.object} entry user:mallory`,
        problem: expect.stringMatching(/version-0 entity no record of the log vouches for/),
      },
    ]);
  });

  it('names a snapshot the table records but the bucket no longer has', async () => {
    const { blobs, vouched, changeLog, genuine } = await forgedPool();
    blobs.objects.delete(genuine.object.replace('.ndjson.gz', '.manifest.json'));
    const report = await verifyPool({ snapshots: vouched, changeLog }, POOL);
    expect(report.problems).toContainEqual({
      where: genuine.object,
      problem: expect.stringMatching(/the table records snapshot .*, the bucket has no manifest of it/),
    });
  });
});

describe('verify of a pool the store does not know', () => {
  it('is an unknown pool, not a pool that checks out', async () => {
    const { vouched, changeLog } = await forgedPool();
    await expect(verifyPool({ snapshots: vouched, changeLog }, 'us-east-1_Nope')).rejects.toThrow(
      'pool us-east-1_Nope has no snapshots in this store',
    );
  });
});
