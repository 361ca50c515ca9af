import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryChangeLog } from '../adapters/local/directoryChangeLog.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { compactFromLog } from '../backup/compactSnapshot.js';
import { ForwardingChangeLog } from '../changeLog/forwardingChangeLog.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import type { LogPosition, TimeRange } from '../changes/logPosition.js';
import { makeRecord } from '../changes/makeRecord.js';
import { ChainBrokenError } from '../errors.js';
import { countByKind } from '../model/poolState.js';
import type { ChangeLog } from '../ports.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { stateAt } from './stateAt.js';
import { TestHistory, truthAt } from './testHistory.testing.js';

const POOL = 'us-east-1_Bounded';
const t = (minute: number, second = 0) => new Date(Date.UTC(2024, 4, 1, 0, minute, second)).toISOString();
const clock = { now: () => new Date('2024-05-02T00:00:00.000Z') };

/** A change log that counts every record its pool-wide reads hand out: what a replay costs. */
class CountingLog extends ForwardingChangeLog {
  readonly read: string[] = [];
  override timeline(poolId: string, range?: TimeRange) {
    return this.count(this.inner.timeline(poolId, range));
  }
  override appendedSince(poolId: string, since: LogPosition, filter?: { validUpTo?: string }) {
    return this.count(this.inner.appendedSince(poolId, since, filter));
  }
  private async *count(records: AsyncIterable<ChangeRecord>) {
    for await (const record of records) {
      this.read.push(record.id);
      yield record;
    }
  }
}

/** The first full read at minute 0: the history's entities, and the log's position before it. */
async function writeScan(snapshots: SnapshotStore, log: ChangeLog, history: TestHistory) {
  const entries = history.snapshot();
  return snapshots.write(
    {
      poolId: POOL,
      snapshotId: ulid(Date.parse(t(0))),
      at: t(0),
      createdAt: t(0),
      kind: 'scan',
      lastChangeId: null,
      logPosition: await log.position(POOL),
      counts: countByKind(entries.map((e) => e.key)),
      notCaptured: [],
    },
    entries,
  );
}

const INITIAL = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => [`user:u${String(i).padStart(2, '0')}`, { n: 0 }]),
);

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

const adapters: [string, () => Promise<ChangeLog>][] = [
  ['memory', async () => new MemoryChangeLog()],
  [
    'directory',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'rewind-bounded-'));
      temps.push(dir);
      return new DirectoryChangeLog(dir, { durable: false });
    },
  ],
];

describe.each(adapters)('bounded replay on the %s change log', (_name, makeLog) => {
  /**
   * Minutes 0–60: a scan, then an hour of changes compacted at minute 30 and 60 (each compaction
   * reads only what followed the one before). Then changes after minute 60, and late records: valid
   * before minute 60 but appended after that snapshot was made.
   */
  async function longHistory() {
    const log = new CountingLog(await makeLog());
    const snapshots = new SnapshotStore(new MemoryBlobStore());
    const history = new TestHistory(POOL, INITIAL);
    const scan = await writeScan(snapshots, log, history);
    const changeAll = async (minute: number) => {
      for (const [i, key] of Object.keys(INITIAL).entries())
        await log.append(history.change(key, { n: minute }, t(minute, i)) as ChangeRecord);
    };
    for (let minute = 1; minute < 30; minute++) await changeAll(minute);
    const half = await compactFromLog({ snapshots, changeLog: log }, scan, t(30), { clock });
    for (let minute = 30; minute < 60; minute++) await changeAll(minute);
    log.read.length = 0;
    const hour = await compactFromLog({ snapshots, changeLog: log }, half, t(60), { clock });
    const readByCompaction = new Set(log.read);

    const after = [];
    for (let minute = 61; minute < 64; minute++)
      for (const key of ['user:u01', 'user:u02'])
        after.push(history.change(key, { n: minute }, t(minute)) as ChangeRecord);
    // Valid at minute 59:30 — captured late, appended only now, after the hour's snapshot was made.
    const late = [
      history.change('user:u07', { n: 'late' }, t(59, 45)) as ChangeRecord,
      history.change('user:new', { n: 'late' }, t(59, 30)) as ChangeRecord,
    ];
    for (const record of [...after, ...late]) await log.append(record);
    log.read.length = 0;
    return { log, snapshots, history, half, hour, after, late, readByCompaction };
  }

  it('reads only the records after the snapshot and the late ones, and replays the truth', async () => {
    const { log, snapshots, history, hour, after, late, readByCompaction } = await longHistory();
    expect(history.records.length).toBeGreaterThan(1_150);
    // The hour's compaction read the half hour's records (30 minutes × 20 users), not the whole hour.
    expect(readByCompaction.size).toBe(30 * 20);

    const result = await stateAt({ snapshots, changeLog: log }, POOL, t(64));
    expect(result.base.snapshotId).toBe(hour.snapshotId);
    expect(await toArray(result.entities)).toStrictEqual(truthAt(INITIAL, history.records, t(64)));
    expect(new Set(log.read)).toStrictEqual(new Set([...after, ...late].map((r) => r.id)));
    // The two reads may overlap; each record is read at most twice.
    expect(log.read.length).toBeLessThanOrEqual(2 * (after.length + late.length));
  });

  it('folds late records into the next compaction, which then reads only what follows it', async () => {
    const { log, snapshots, history, hour, late } = await longHistory();
    const next = await compactFromLog({ snapshots, changeLog: log }, hour, t(62), { clock });
    const entries = await toArray((await snapshots.open(next)).entries);
    expect(entries).toStrictEqual(truthAt(INITIAL, history.records, t(62)));
    expect(entries.find((e) => e.key === 'user:new')?.doc).toEqual({ n: 'late' });
    expect(entries.find((e) => e.key === 'user:u07')?.version).toBe(late[0]?.version);
    log.read.length = 0;
    const result = await stateAt({ snapshots, changeLog: log }, POOL, t(64));
    expect(await toArray(result.entities)).toStrictEqual(truthAt(INITIAL, history.records, t(64)));
    expect(log.read.length).toBeLessThanOrEqual(2 * 2 * 2);
  });
});

describe('integrity on replay', () => {
  async function pool(records: (history: TestHistory) => ChangeRecord[]) {
    const log = new MemoryChangeLog();
    const snapshots = new SnapshotStore(new MemoryBlobStore());
    const history = new TestHistory(POOL, { 'user:ann': { n: 0 } });
    await writeScan(snapshots, log, history);
    for (const record of records(history)) await log.append(record);
    return toArray((await stateAt({ snapshots, changeLog: log }, POOL, t(10))).entities);
  }

  it('names the entity and record whose body no longer matches its hash', async () => {
    const replay = pool((history) => {
      const first = history.change('user:ann', { n: 1 }, t(1)) as ChangeRecord;
      const second = history.change('user:ann', { n: 2 }, t(2)) as ChangeRecord;
      return [first, { ...second, after: { n: 'edited' } }];
    });
    await expect(replay).rejects.toBeInstanceOf(ChainBrokenError);
    await expect(replay).rejects.toThrow(/user:ann .*version 2\): its hash does not match its body/);
  });

  it('names a missing version instead of replaying around it', async () => {
    const replay = pool((history) => {
      const kept = history.change('user:ann', { n: 1 }, t(1)) as ChangeRecord;
      history.change('user:ann', { n: 2 }, t(2));
      const third = history.change('user:ann', { n: 3 }, t(3)) as ChangeRecord;
      return [kept, third];
    });
    await expect(replay).rejects.toThrow(/version 3\): it follows version 1/);
  });

  it('names a record that does not continue the snapshot entry it follows', async () => {
    const replay = pool(() => {
      const forged = makeRecord({
        poolId: POOL,
        entity: 'user:ann',
        head: { version: 0, hash: 'f'.repeat(64), doc: { n: 0 } },
        after: { n: 'forged' },
        validFrom: t(1),
        observedAt: t(1),
        source: 'import',
      });
      return [forged];
    });
    await expect(replay).rejects.toThrow(/its prevHash is not the hash of the record before it/);
  });
});
