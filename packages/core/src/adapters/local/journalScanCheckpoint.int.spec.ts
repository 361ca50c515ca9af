import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import { TestHistory } from '../../replay/testHistory.testing.js';
import { DirectoryChangeLog } from './directoryChangeLog.js';

const POOL = 'us-east-1_Scan';
const t = (second: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, second)).toISOString();
let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A directory journal of alice and bob changed 10 times each, interleaved. */
async function journal() {
  dir = await mkdtemp(join(tmpdir(), 'rewind-journal-scan-'));
  const changeLog = new DirectoryChangeLog(dir, { durable: false });
  const history = new TestHistory(POOL);
  for (let n = 0; n < 10; n++) {
    history.change('user:alice', { username: 'alice', n }, t(n));
    history.change('user:bob', { username: 'bob', n }, t(n));
  }
  await changeLog.appendMany(history.records);
  const file = join(dir, 'cognito-backup', POOL, 'changes', 'journal.log');
  return { changeLog, history, file };
}

/** Line `index` rewritten in place (the same file); answers its byte offset. */
async function alterLine(file: string, index: number, alter: (line: string) => string) {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const offset = lines.slice(0, index).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  lines[index] = alter(lines[index] ?? '');
  await writeFile(file, lines.join('\n'));
  return offset;
}

/** A fresh process's view of the store: nothing carried over in memory. */
const reopen = () => new DirectoryChangeLog(dir, { durable: false });

describe('damageSoFar of a directory change log', () => {
  it('reads only the bytes appended since its last call, by any process, and finds damage in them', async () => {
    const { changeLog, history, file } = await journal();
    const first = await reopen().damageSoFar(POOL);
    const scanned = (await stat(file)).size;
    expect(first).toMatchObject({ lines: 0, from: 0, bytesRead: scanned });

    for (let n = 10; n < 13; n++) history.change('user:alice', { username: 'alice', n }, t(n));
    await changeLog.appendMany(history.records.slice(-3));
    const size = (await stat(file)).size;
    const second = await reopen().damageSoFar(POOL);
    expect(second).toMatchObject({ lines: 0, from: scanned, bytesRead: size - scanned });

    // A line appended behind the log's back: bob's record with its body edited, its hash left.
    const forged = (await readFile(file, 'utf8')).split('\n')[1]?.replace('"n":0', '"n":7');
    await appendFile(file, `${forged}\n`);
    const third = await reopen().damageSoFar(POOL);
    expect(third).toMatchObject({ lines: 1, from: size });
    expect(third.first).toEqual([
      { where: file, offset: size, problem: expect.stringMatching(/fails its checksum/), entity: 'user:bob' },
    ]);
    // Nothing new since: nothing read, the damage still known.
    expect(await reopen().damageSoFar(POOL)).toMatchObject({ lines: 1, bytesRead: 0 });
  });

  it('scans again from 0 when the scanned part changed: the last scanned line altered', async () => {
    const { file } = await journal();
    expect(await reopen().damageSoFar(POOL)).toMatchObject({ lines: 0 });
    // The same length, so only the fingerprint (the last line's hash) can tell.
    const offset = await alterLine(file, 19, (line) => line.replace('"n":9', '"n":8'));
    const after = await reopen().damageSoFar(POOL);
    expect(after).toMatchObject({ lines: 1, from: 0, first: [{ offset, entity: 'user:bob' }] });
  });

  it('scans again from 0 when an earlier line changed length (every later line moved)', async () => {
    const { file } = await journal();
    await reopen().damageSoFar(POOL);
    const offset = await alterLine(file, 4, (line) => line.replace('"n":2', '"n":22'));
    expect(await reopen().damageSoFar(POOL)).toMatchObject({
      lines: 1,
      from: 0,
      first: [{ offset, entity: 'user:alice' }],
    });
  });

  it('remembers a damaged line a read met, though the fingerprint cannot see the edit', async () => {
    const { file } = await journal();
    await reopen().damageSoFar(POOL);
    // Same length, an earlier line: the scan resumes past it, but reading alice's history trips on it.
    const offset = await alterLine(file, 4, (line) => line.replace('"username":', '"username";'));
    await expect(toArray(reopen().entityHistory(POOL, 'user:alice'))).rejects.toThrow(/is damaged at byte/);
    expect(await reopen().damageSoFar(POOL)).toMatchObject({
      lines: 1,
      first: [{ where: file, offset, problem: 'the record is not valid JSON' }],
    });
  });

  it('is nothing in an intact journal, and in a pool with no journal yet', async () => {
    await journal();
    expect(await reopen().damageSoFar(POOL)).toMatchObject({ lines: 0, first: [] });
    expect(await reopen().damageSoFar('us-east-1_None')).toEqual({
      lines: 0,
      first: [],
      from: 0,
      bytesRead: 0,
    });
  });
});
