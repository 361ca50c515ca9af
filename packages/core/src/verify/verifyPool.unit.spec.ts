import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { countByKind } from '../model/poolState.js';
import { TestHistory } from '../replay/testHistory.testing.js';
import { archiveRecords } from '../segments/archiveRecords.js';
import { SegmentChangeLog } from '../segments/segmentChangeLog.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { verifyPool } from './verifyPool.js';

const POOL = 'us-east-1_Verify';
const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();
const clock = { now: () => new Date(t(59)) };

/** A scan at minute 0 (alice without a baseline record), changes, and a snapshot at minute 30. */
async function pool(tamper: (records: ChangeRecord[]) => ChangeRecord[] = (r) => r) {
  const blobs = new MemoryBlobStore();
  const snapshots = new SnapshotStore(blobs);
  const changeLog = new MemoryChangeLog();
  const history = new TestHistory(POOL, { 'user:alice': { n: 0 } });
  const write = async (minute: number) => {
    const entries = history.snapshot();
    return snapshots.write(
      {
        poolId: POOL,
        snapshotId: ulid(Date.parse(t(minute))),
        at: t(minute),
        createdAt: t(minute),
        kind: 'scan',
        lastChangeId: null,
        counts: countByKind(entries.map((e) => e.key)),
        notCaptured: [],
      },
      entries,
    );
  };
  await write(0);
  history.change('user:alice', { n: 1 }, t(5));
  history.change('user:bob', { n: 1 }, t(6));
  history.change('user:bob', { n: 2 }, t(7));
  await write(30);
  const records = tamper(history.records);
  for (const record of records) await changeLog.append(record);
  await archiveRecords(blobs, POOL, history.records, clock);
  const segments = new SegmentChangeLog(blobs);
  return verifyPool({ snapshots, changeLog, segments }, POOL);
}

describe('verifyPool', () => {
  it('checks every snapshot, chain and segment record, and finds nothing wrong in an intact store', async () => {
    const report = await pool();
    expect(report).toMatchObject({
      snapshots: 2,
      snapshotEntries: 3,
      entities: 2,
      records: 3,
      segments: 1,
      segmentRecords: 3,
      problems: [],
    });
  });

  it('names a record whose body was edited, in the chain, the snapshot entry and the segment', async () => {
    const report = await pool((records) =>
      records.map((r) => (r.entity === 'user:bob' && r.version === 2 ? { ...r, after: { n: 'edited' } } : r)),
    );
    const where = report.problems.map((p) => p.where);
    expect(where).toContain('user:bob version 2');
    expect(report.problems.find((p) => p.where === 'user:bob version 2')?.problem).toMatch(
      /hash does not match/,
    );
  });

  it('names a missing version, and the snapshot entry and segment record the log no longer has', async () => {
    const report = await pool((records) =>
      records.filter((r) => !(r.entity === 'user:bob' && r.version === 2)),
    );
    const problems = report.problems.map((p) => `${p.where}: ${p.problem}`).join('\n');
    expect(problems).toMatch(/entry user:bob: the log has no version 2 of user:bob/);
    expect(problems).toMatch(/deltas\/.* record .*: the log has no version 2 of user:bob/);
  });
});
