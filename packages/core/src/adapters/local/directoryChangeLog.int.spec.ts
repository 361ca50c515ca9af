import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { changeLogContract } from '@cognito-rewind/testkit/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import { byTimeline } from '../../changeLog/timeline.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { makeRecord } from '../../changes/makeRecord.js';
import {
  ChangeLogCorruptError,
  InvalidInputError,
  StoreLockedError,
  VersionConflictError,
} from '../../errors.js';
import { DirectoryChangeLog } from './directoryChangeLog.js';
import { encodeLine } from './journalLine.js';

const tempRoot = () => mkdtemp(path.join(tmpdir(), 'rewind-changes-'));

changeLogContract('DirectoryChangeLog', async () => {
  const root = await tempRoot();
  return {
    log: new DirectoryChangeLog(root),
    reopen: async () => new DirectoryChangeLog(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
    tamper: async (poolId, entity, version, edit) => {
      const file = path.join(root, 'cognito-backup', poolId, 'changes', 'journal.log');
      const lines = (await readFile(file, 'utf8')).split('\n');
      const edited = lines.map((line) => {
        const tab = line.indexOf('\t');
        if (tab < 0) return line;
        const json = JSON.parse(line.slice(tab + 1));
        if (json.entity !== entity || json.version !== version) return line;
        edit(json);
        return `${line.slice(0, tab)}\t${JSON.stringify(json)}`;
      });
      await writeFile(file, edited.join('\n'));
    },
  };
});

const POOL = 'us-east-1_Dir';
const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds)).toISOString();
const record = (entity: string, version: number, seconds: number, poolId = POOL): ChangeRecord =>
  makeRecord({
    poolId,
    entity,
    head: { version: version - 1, hash: null, doc: null },
    after: { version },
    validFrom: at(seconds),
    observedAt: at(seconds),
    source: 'reconcile',
  });

describe('DirectoryChangeLog on disk', () => {
  let root: string;
  let changes: string;
  let journal: string;
  let lock: string;
  let warnings: string[];
  let log: DirectoryChangeLog;
  const open = (options = {}) =>
    new DirectoryChangeLog(root, { onWarning: (m) => warnings.push(m), lockTimeoutMs: 200, ...options });

  beforeEach(async () => {
    root = await tempRoot();
    changes = path.join(root, 'cognito-backup', POOL, 'changes');
    journal = path.join(changes, 'journal.log');
    lock = path.join(changes, 'journal.lock');
    warnings = [];
    log = open();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps one journal per pool under cognito-backup/<poolId>/changes, with no lock left behind', async () => {
    await log.append(record('user:a', 1, 1));
    await log.append(record('user:a', 1, 1, 'eu-west-1_Other'));
    expect(await readdir(changes)).toEqual(['journal.log']);
    expect((await readdir(path.join(root, 'cognito-backup'))).sort()).toEqual(['eu-west-1_Other', POOL]);
    const text = await readFile(journal, 'utf8');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('ignores a torn last line, then cuts it off before the next append and says so', async () => {
    const [v1, v2, v3] = [record('user:t', 1, 1), record('user:t', 2, 2), record('user:t', 3, 3)];
    await log.appendMany([v1, v2]);
    const whole = (await stat(journal)).size;
    await appendFile(journal, encodeLine(v3).slice(0, 60));

    const reader = open();
    expect(await reader.head(POOL, 'user:t')).toStrictEqual(v2);
    expect(await toArray(reader.timeline(POOL))).toStrictEqual([v1, v2]);
    expect(warnings).toEqual([]);

    await reader.append(v3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('dropped 60 bytes');
    expect((await stat(journal)).size).toBe(whole + Buffer.byteLength(encodeLine(v3)));
    expect(await toArray(open().entityHistory(POOL, 'user:t'))).toStrictEqual([v1, v2, v3]);
    expect(await log.head(POOL, 'user:t')).toStrictEqual(v3);
  });

  it('reports a damaged line in the middle of the journal instead of skipping it', async () => {
    await log.append(record('user:a', 1, 1));
    await appendFile(journal, 'not a record\n');
    await expect(open().head(POOL, 'user:a')).rejects.toBeInstanceOf(ChangeLogCorruptError);
    await expect(open().append(record('user:a', 2, 2))).rejects.toThrow('damaged at byte');
  });

  it('gives each version to exactly one of two instances racing on the same directory', async () => {
    const other = open();
    for (let version = 1; version <= 15; version++) {
      const results = await Promise.allSettled([
        log.append(record('user:shared', version, version)),
        other.append(record('user:shared', version, version)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected');
      expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(VersionConflictError);
    }
    const history = await toArray(open().entityHistory(POOL, 'user:shared'));
    expect(history.map((r) => r.version)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(await other.head(POOL, 'user:shared')).toStrictEqual(history.at(-1));
  });

  it('appendMany writes a batch that reads back in timeline order', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) =>
      record(`user:u${i % 500}`, Math.floor(i / 500) + 1, 1000 - i),
    );
    await log.appendMany(batch);
    const reopened = open();
    expect(await toArray(reopened.timeline(POOL))).toStrictEqual([...batch].sort(byTimeline));
    expect(await reopened.head(POOL, 'user:u7')).toStrictEqual(batch[507]);
    expect((await toArray(reopened.timeline(POOL, { after: at(990) }))).length).toBe(10);
  });

  it('appendMany writes nothing when any version is taken or repeated, or pools are mixed', async () => {
    await log.append(record('user:a', 1, 1));
    const size = (await stat(journal)).size;
    await expect(log.appendMany([record('user:b', 1, 2), record('user:a', 1, 3)])).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    await expect(log.appendMany([record('user:c', 1, 2), record('user:c', 1, 3)])).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    await expect(
      log.appendMany([record('user:d', 1, 2), record('user:d', 1, 2, 'eu-west-1_X')]),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect((await stat(journal)).size).toBe(size);
    expect(await log.head(POOL, 'user:b')).toBeUndefined();
  });

  it('refuses pool ids that are not path-safe and records it cannot order', async () => {
    await expect(log.head('../escape', 'user:a')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(log.append(record('user:a', 1, 1, 'a/b'))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(log.append({ ...record('user:a', 1, 1), version: 0 })).rejects.toThrow('version');
    await expect(log.append({ ...record('user:a', 1, 1), validFrom: 'yesterday' })).rejects.toThrow(
      'validFrom',
    );
    expect(await readdir(root)).toEqual([]);
  });

  it('breaks a lock left by a process that died, or by an earlier process with our pid', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await log.append(record('user:a', 1, 1));
    await writeFile(lock, JSON.stringify({ pid: dead, host: hostname(), token: 'gone' }));
    await log.append(record('user:a', 2, 2));
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 'previous-run' }));
    await log.append(record('user:a', 3, 3));
    expect(await readdir(changes)).toEqual(['journal.log']);
    expect((await log.head(POOL, 'user:a'))?.version).toBe(3);
  });

  it('waits for a live lock holder and gives up with StoreLockedError, appending nothing', async () => {
    await log.append(record('user:a', 1, 1));
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'parent' }));
    await expect(log.append(record('user:a', 2, 2))).rejects.toBeInstanceOf(StoreLockedError);
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'another-host', token: 'x' }));
    await expect(log.append(record('user:a', 2, 2))).rejects.toThrow('held by process 1 on another-host');
    expect((await log.head(POOL, 'user:a'))?.version).toBe(1);
  });

  it('answers tail reads in a fresh process from time marks, without indexing the whole journal', async () => {
    const writer = open({ durable: false, markEveryBytes: 2_000 });
    const records: ChangeRecord[] = [];
    for (let second = 0; second < 60; second++) {
      const next = record(`user:m${second % 7}`, Math.floor(second / 7) + 1, second);
      records.push(next);
      await writer.append(next);
    }
    const marks = (await readFile(path.join(changes, 'journal.marks'), 'utf8')).trim().split('\n');
    expect(marks.length).toBeGreaterThan(3);
    const everything = await toArray(writer.timeline(POOL));
    for (const after of [0, 9, 30, 58, 59]) {
      const fresh = open();
      const expected = everything.filter((r) => Date.parse(r.validFrom) > Date.parse(at(after)));
      expect(await toArray(fresh.timeline(POOL, { after: at(after) }))).toStrictEqual(expected);
      expect(await toArray(fresh.timeline(POOL, { after: at(after), upTo: at(after + 5) }))).toStrictEqual(
        expected.filter((r) => Date.parse(r.validFrom) <= Date.parse(at(after + 5))),
      );
    }
    const fresh = open();
    const position = await fresh.position(POOL);
    const late = record('user:late', 1, 3);
    await writer.append(late);
    expect(await toArray(open().appendedSince(POOL, position))).toStrictEqual([late]);
    expect(await toArray(open().appendedSince(POOL, position, { validUpTo: at(2) }))).toStrictEqual([]);

    // Marks are derived data: ones past the journal's end (an older copy restored) are ignored.
    await writeFile(path.join(changes, 'journal.marks'), `99999999\t${at(59)}\n`);
    expect(await toArray(open().timeline(POOL, { after: at(30) }))).toHaveLength(
      everything.filter((r) => Date.parse(r.validFrom) > Date.parse(at(30))).length,
    );
  });
});
