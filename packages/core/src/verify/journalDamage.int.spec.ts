import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryBlobStore } from '../adapters/local/directoryBlobStore.js';
import { DirectoryChangeLog } from '../adapters/local/directoryChangeLog.js';
import { countByKind } from '../model/poolState.js';
import { TestHistory } from '../replay/testHistory.testing.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { verifyPool } from './verifyPool.js';

const POOL = 'us-east-1_Journal';
const t = (second: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, second)).toISOString();
let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A directory store: alice changed 30 times, bob 30 times, interleaved, and a snapshot at the end. */
async function store() {
  dir = await mkdtemp(join(tmpdir(), 'rewind-journal-damage-'));
  const changeLog = new DirectoryChangeLog(dir, { durable: false });
  const snapshots = new SnapshotStore(new DirectoryBlobStore(dir));
  const history = new TestHistory(POOL);
  for (let n = 0; n < 30; n++) {
    history.change('user:alice', { username: 'alice', n }, t(n));
    history.change('user:bob', { username: 'bob', n }, t(n));
  }
  await changeLog.appendMany(history.records);
  const entries = history.snapshot();
  await snapshots.write(
    {
      poolId: POOL,
      snapshotId: ulid(Date.parse(t(59))),
      at: t(59),
      createdAt: t(59),
      kind: 'scan',
      lastChangeId: null,
      counts: countByKind(entries.map((e) => e.key)),
      notCaptured: [],
    },
    entries,
  );
  const journal = join(dir, 'cognito-backup', POOL, 'changes', 'journal.log');
  return { changeLog, snapshots, journal };
}

async function damageLine(journal: string, index: number, damage: (line: string) => string) {
  const lines = (await readFile(journal, 'utf8')).split('\n');
  const offset = lines.slice(0, index).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  lines[index] = damage(lines[index] ?? '');
  await writeFile(journal, lines.join('\n'));
  return offset;
}

const verify = (snapshots: SnapshotStore) =>
  verifyPool({ snapshots, changeLog: new DirectoryChangeLog(dir, { skipDamaged: true }) }, POOL);

describe('a damaged line of the directory journal', () => {
  it('is reported once, with its byte offset and the entity it breaks, and the rest is still checked', async () => {
    const { journal, snapshots } = await store();
    // Line 10 is alice's version 6: cut short, so it is no longer JSON.
    const offset = await damageLine(journal, 10, (line) => line.slice(0, 80));
    const report = await verify(snapshots);
    expect(report.problems).toEqual([
      {
        where: `${journal} at byte ${offset}`,
        problem: 'the record is not valid JSON; the chain of user:alice is broken from this record on',
      },
    ]);
    // Every other record was still read and checked: bob's whole chain, alice's but the one line.
    expect(report).toMatchObject({ entities: 2, records: 59, snapshotEntries: 2 });
  });

  it('names a line that fails its checksum, and one whose key no longer parses, once each', async () => {
    const { journal, snapshots } = await store();
    const edited = await damageLine(journal, 10, (line) => line.replace('"n":5', '"n":55'));
    const keyless = await damageLine(journal, 21, (line) => line.replace('[', '{'));
    const report = await verify(snapshots);
    expect(report.problems).toEqual([
      {
        where: `${journal} at byte ${edited}`,
        problem: expect.stringMatching(
          /fails its checksum .*; the chain of user:alice is broken from this record on$/,
        ),
      },
      {
        where: `${journal} at byte ${keyless}`,
        problem:
          'the line does not start with a record key; the chain of user:bob is broken from this record on',
      },
    ]);
  });

  it('is nothing to report in an intact journal', async () => {
    const { snapshots } = await store();
    expect((await verify(snapshots)).problems).toEqual([]);
  });
});
