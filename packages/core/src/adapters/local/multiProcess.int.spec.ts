/**
 * The directory adapters promise that several OS processes can share one store, and that a process
 * killed at any instant loses nothing it acknowledged. In-process tests cannot show either: one
 * process serialises its own writes, and cannot kill itself mid-`write`. So each writer here is a
 * separate process (multiProcess.child.mjs) running the BUILT package (`pnpm test` runs `tsc -b` first),
 * killed with SIGKILL once it has acknowledged enough on stdout, never after a timer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { makeRecord } from '../../changes/makeRecord.js';
import { verifyChain } from '../../changes/verifyChain.js';
import type { JournalEntry } from '../../model/restoreJournalEntry.js';
import { isTempName } from './blobKeys.js';
import { DirectoryChangeLog } from './directoryChangeLog.js';
import { FileRestoreJournal } from './fileRestoreJournal.js';

const DIST = fileURLToPath(new URL('../../../dist', import.meta.url));
const CHILD = fileURLToPath(new URL('./multiProcess.child.mjs', import.meta.url));
const POOL = 'us-east-1_Procs';
/**
 * Only guards against a hung child (it is killed in afterEach); nothing here depends on timing. Generous,
 * because CI runs the other test files on the same two cores.
 */
const WAIT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
/** Acknowledged appends a writer gets through before it is killed: enough to be mid-stream. */
const KILL_AFTER = 40;
/** `ulimit -f` is Linux/POSIX; the child reads its limit back from /proc. */
const onLinux = process.platform === 'linux';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<Child>();

/** One child process and the lines it has said so far. */
class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private stderr = '';
  private partial = '';
  private closed = false;
  private readonly changed = new EventEmitter();

  private constructor(private readonly proc: ChildProcess) {
    running.add(this);
    proc.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const parts = `${this.partial}${text}`.split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.changed.emit('change');
    });
    proc.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    proc.on('error', (error) => {
      this.stderr += String(error);
    });
    this.exited = new Promise((resolve) =>
      proc.once('close', (code, signal) => {
        this.closed = true;
        running.delete(this);
        this.changed.emit('change');
        resolve({ code, signal });
      }),
    );
  }

  /** `fileSizeBlocks`: run under `ulimit -f` (a shell's blocks: 512 or 1024 bytes). */
  static start(mode: string, options: Record<string, unknown>, fileSizeBlocks?: number): Child {
    const args = [CHILD, mode, JSON.stringify({ dist: DIST, ...options })];
    const proc =
      fileSizeBlocks === undefined
        ? spawn(process.execPath, args)
        : spawn('/bin/sh', [
            '-c',
            `ulimit -f ${fileSizeBlocks} && exec "$0" "$@"`,
            process.execPath,
            ...args,
          ]);
    return new Child(proc);
  }

  /** The fields after `word` of each line that starts with it. */
  said(word: string): string[][] {
    return this.lines.filter((line) => line.split(' ')[0] === word).map((line) => line.split(' ').slice(1));
  }

  async waitFor(what: string, ready: () => boolean): Promise<void> {
    const deadline = AbortSignal.timeout(WAIT_MS);
    while (!ready()) {
      if (this.closed) throw new Error(`the child exited before ${what}; stderr: ${this.stderr}`);
      await once(this.changed, 'change', { signal: deadline }).catch(() => {
        throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr}`);
      });
    }
  }

  async waitForLines(word: string, count: number): Promise<string[][]> {
    await this.waitFor(`${count} "${word}" line(s)`, () => this.said(word).length >= count);
    return this.said(word);
  }

  send(line: string): void {
    this.proc.stdin?.write(`${line}\n`);
  }

  /** Lets a child that has loaded the package start writing. */
  async go(): Promise<void> {
    await this.waitForLines('ready', 1);
    this.send('go');
  }

  /** SIGKILL: no exit handler, no finally block, no flush runs in the child. */
  async kill(): Promise<Exit> {
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  async finished(): Promise<Exit> {
    this.proc.stdin?.end();
    const exit = await this.exited;
    if (exit.code !== 0) throw new Error(`the child failed (${JSON.stringify(exit)}): ${this.stderr}`);
    return exit;
  }
}

let work: string;

beforeAll(async () => {
  expect(existsSync(path.join(DIST, 'adapters/local/index.js')), 'build first: pnpm exec tsc -b').toBe(true);
  work = await mkdtemp(path.join(tmpdir(), 'rewind-procs-'));
});
afterEach(async () => {
  await Promise.all([...running].map((child) => child.kill()));
});
afterAll(() => rm(work, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => path.join(work, `case-${++dirs}`);
const changesDir = (root: string) => path.join(root, 'cognito-backup', POOL, 'changes');

interface RawJournal {
  /** Records of whole lines, as written, duplicates included (the index would hide them). */
  records: ChangeRecord[];
  /** The bytes of those whole lines. */
  whole: Buffer;
  /** Bytes after the last newline: a line a writer did not finish. */
  tornBytes: number;
  size: number;
}

/** Reads journal.log byte for byte, without the adapter, so what the adapter hides is seen too. */
async function readRaw(root: string): Promise<RawJournal> {
  const bytes = await readFile(path.join(changesDir(root), 'journal.log'));
  const whole = bytes.lastIndexOf(0x0a) + 1;
  const lines = bytes.toString('utf8', 0, whole).split('\n').slice(0, -1);
  const records = lines.map((line) => JSON.parse(line.slice(line.indexOf('\t') + 1)) as ChangeRecord);
  return { records, whole: bytes.subarray(0, whole), tornBytes: bytes.length - whole, size: bytes.length };
}

const ids = (records: readonly { id: string }[]) => records.map((r) => r.id);
const only = (records: readonly ChangeRecord[], entity: string) => records.filter((r) => r.entity === entity);

/** A process that never wrote reads the whole journal, through both orders, the same as it is on disk. */
async function expectReadableAsWritten(root: string): Promise<ChangeRecord[]> {
  const raw = await readRaw(root);
  const reader = new DirectoryChangeLog(root);
  const appended = await toArray(reader.appendedSince(POOL, '0'));
  expect(ids(appended)).toEqual(ids(raw.records));
  const timeline = await toArray(new DirectoryChangeLog(root).timeline(POOL));
  expect(new Set(ids(timeline))).toEqual(new Set(ids(raw.records)));
  expect(timeline).toHaveLength(raw.records.length);
  // A fresh reader asked for the later half starts from a time mark, when there is one.
  const after = timeline[timeline.length >> 1]?.validFrom ?? '';
  const later = await toArray(new DirectoryChangeLog(root).timeline(POOL, { after }));
  expect(ids(later)).toEqual(ids(timeline.filter((r) => r.validFrom > after)));
  return appended;
}

describe('DirectoryChangeLog with writers in separate processes', { timeout: TEST_TIMEOUT_MS }, () => {
  /**
   * The round appended what its child acknowledged (`[id, hash]`, in order) after the whole lines that
   * were there, plus at most `inFlight` record that was written but not yet acknowledged.
   */
  function expectRound(before: RawJournal, acked: string[][], after: RawJournal, inFlight: number): void {
    const kept = after.whole.subarray(0, before.whole.length);
    expect(kept.equals(before.whole), 'earlier lines are never rewritten').toBe(true);
    const added = after.records.slice(before.records.length);
    expect(ids(added.slice(0, acked.length))).toEqual(acked.map(([id]) => id));
    expect(added.length - acked.length).toBeGreaterThanOrEqual(0);
    expect(added.length - acked.length).toBeLessThanOrEqual(inFlight);
    for (const [index, [, hash]] of acked.entries()) {
      const record = added[index] as ChangeRecord;
      expect(record.hash).toBe(hash);
      // Intact: the body still hashes to what the child acknowledged, and its patch leads to `after`.
      expect(verifyChain([record])).toEqual([]);
    }
  }

  it.runIf(onLinux)(
    'keeps every record acknowledged by writers that died mid-append, and the next writer cuts off a torn line',
    async () => {
      const root = freshDir();
      // Round 0 runs under a file size limit, so one append is cut short by the kernel part-way
      // through its line: a torn last line every time, which a SIGKILL only leaves by chance.
      const limited = Child.start(
        'changesLoop',
        { root, prefix: 'p0', base: 0, pad: 9_000, reportLimit: true },
        200,
      );
      // Rounds 1-3: SIGKILL after KILL_AFTER acknowledged appends of 16 KiB records, wherever the
      // child then is: taking the lock, writing, fsyncing, indexing, adding a time mark. All children
      // start (and load the package) at once, then each waits for its turn.
      const rounds = [1, 2, 3].map((round) =>
        Child.start('changesLoop', {
          root,
          prefix: `p${round}`,
          base: round * 1_000,
          pad: 16_384,
          markEveryBytes: 128 * 1024,
        }),
      );
      await limited.go();
      const [[code] = []] = await limited.waitForLines('failed', 1);
      expect(code).toBe('EFBIG');
      const [[limit] = []] = limited.said('limit');
      expect((await limited.kill()).signal).toBe('SIGKILL');
      let raw = await readRaw(root);
      expect(raw.size).toBe(Number(limit));
      expect(raw.tornBytes).toBeGreaterThan(0);
      const empty: RawJournal = { records: [], whole: Buffer.alloc(0), tornBytes: 0, size: 0 };
      expectRound(empty, limited.said('ack'), raw, 0);
      await expectReadableAsWritten(root);

      for (const child of rounds) {
        const tornBefore = raw.tornBytes > 0;
        await child.go();
        await child.waitForLines('ack', KILL_AFTER);
        expect((await child.kill()).signal).toBe('SIGKILL');
        const before = raw;
        raw = await readRaw(root);
        expect(child.said('warn'), 'a torn line is cut off, once, with a warning').toHaveLength(
          tornBefore ? 1 : 0,
        );
        expectRound(before, child.said('ack'), raw, 1);
        await expectReadableAsWritten(root);
      }

      const warnings: string[] = [];
      const log = new DirectoryChangeLog(root, { onWarning: (message) => warnings.push(message) });
      const last = makeRecord({
        poolId: POOL,
        entity: 'user:after-the-kills',
        head: { version: 0, hash: null, doc: null },
        after: { ok: true },
        validFrom: new Date(Date.UTC(2024, 1, 1)).toISOString(),
        observedAt: new Date().toISOString(),
        source: 'reconcile',
      });
      // A lock the last child held when killed is broken: its pid is dead.
      expect(await log.append(last)).toBe('appended');
      expect(warnings).toHaveLength(raw.tornBytes > 0 ? 1 : 0);
      const final = await readRaw(root);
      expect(final.tornBytes).toBe(0);
      expectRound(raw, [[last.id, last.hash]], final, 0);
      expect(final.records).toHaveLength(raw.records.length + 1);
      const everything = await expectReadableAsWritten(root);
      expect(everything.flatMap((record) => verifyChain([record]))).toEqual([]);
      // Time marks were written along the way (and used by the fresh readers' `after` timelines); a
      // lock left by a killed child was broken and removed, nothing moved aside was left behind.
      expect((await readdir(changesDir(root))).sort()).toEqual(['journal.log', 'journal.marks']);
    },
  );

  it('three processes appending at once, and racing on one entity, lose nothing and never share a version', async () => {
    const root = freshDir();
    const SHARED = 'user:shared';
    // 3 × (80 + 40) fsynced appends: several seconds, as the lock is handed over by polling.
    const OWN = 80;
    const SHARED_EVERY = 2;
    const names = ['p1', 'p2', 'p3'];
    const children = names.map((name) =>
      Child.start('changesRace', { root, name, own: OWN, sharedEvery: SHARED_EVERY, shared: SHARED }),
    );
    await Promise.all(children.map((child) => child.waitForLines('ready', 1)));
    for (const child of children) child.send('go');
    await Promise.all(children.map((child) => child.waitForLines('done', 1)));
    await Promise.all(children.map((child) => child.finished()));

    const raw = await readRaw(root);
    expect(raw.tornBytes).toBe(0);
    const written = ids(raw.records);
    expect(new Set(written).size, 'no record written twice').toBe(written.length);
    const versions = raw.records.map((r) => `${r.entity}@${r.version}`);
    expect(new Set(versions).size, 'no (entity, version) written twice').toBe(versions.length);
    const reported = children.flatMap((child) =>
      [...child.said('own'), ...child.said('shared')].map(([id]) => id),
    );
    expect(new Set(written)).toEqual(new Set(reported));
    expect(written).toHaveLength(reported.length);

    const log = new DirectoryChangeLog(root);
    const sharedHistory = await toArray(log.entityHistory(POOL, SHARED));
    const sharedCount = names.length * Math.ceil(OWN / SHARED_EVERY);
    expect(sharedHistory.map((r) => r.version)).toEqual(Array.from({ length: sharedCount }, (_, i) => i + 1));
    expect(verifyChain(sharedHistory)).toEqual([]);
    const sharedReports = children.flatMap((child) => child.said('shared'));
    const versionOf = new Map(sharedHistory.map((r) => [r.id, String(r.version)]));
    for (const [id, version] of sharedReports) expect(versionOf.get(id ?? '')).toBe(version);

    const appended = await expectReadableAsWritten(root);
    const timeline = await toArray(log.timeline(POOL));
    for (const [a, b] of timeline.slice(1).map((r, i) => [timeline[i] as ChangeRecord, r] as const))
      expect(a.validFrom < b.validFrom || (a.validFrom === b.validFrom && a.id < b.id)).toBe(true);
    const entities = [
      SHARED,
      ...names.flatMap((name) => Array.from({ length: 10 }, (_, i) => `user:${name}-${i}`)),
    ];
    for (const entity of entities) {
      const history = await toArray(log.entityHistory(POOL, entity));
      expect(verifyChain(history)).toEqual([]);
      expect(ids(only(appended, entity))).toEqual(ids(history));
      expect(ids(only(timeline, entity))).toEqual(ids(history));
    }
    for (const [n, child] of children.entries()) {
      const own = child.said('own').map(([id]) => id);
      expect(own).toHaveLength(OWN);
      const mine = appended.filter((r) => r.entity.startsWith(`user:${names[n]}-`));
      expect(ids(mine)).toEqual(own);
    }
  });
});

describe('FileRestoreJournal with a writer in a separate process', { timeout: TEST_TIMEOUT_MS }, () => {
  const entityOf = (entry: JournalEntry) => ('entity' in entry ? entry.entity : entry.type);

  it.runIf(onLinux)(
    'keeps every entry acknowledged before a SIGKILL, drops only a torn last line, and appends after it',
    async () => {
      const file = path.join(freshDir(), 'restore.journal.ndjson');
      // Run 0 stops at a file size limit part-way through an entry: a torn last line every time, which
      // a SIGKILL leaves only by chance. The runs after it must start their entries on a line of their own.
      const limited = Child.start('restoreLoop', { file, prefix: 'r0', pad: 9_000 }, 200);
      const runs = [1, 2].map((run) => Child.start('restoreLoop', { file, prefix: `r${run}`, pad: 65_536 }));
      await limited.go();
      await limited.waitForLines('failed', 1);
      await limited.kill();
      expect((await readFile(file)).at(-1), 'run 0 left a torn line').not.toBe(0x0a);
      let before = await new FileRestoreJournal(file).read();
      expect(before.length).toBeGreaterThan(0);
      for (const [n, child] of runs.entries()) {
        await child.go();
        await child.waitForLines('ack', KILL_AFTER);
        expect((await child.kill()).signal).toBe('SIGKILL');
        const acked = child.said('ack').map(([i]) => `user:r${n + 1}-${i}`);
        const entries = await new FileRestoreJournal(file).read();
        expect(entries.slice(0, before.length), 'earlier entries stay as they were').toEqual(before);
        const added = entries.slice(before.length);
        expect(added.slice(0, acked.length).map(entityOf)).toEqual(acked);
        // At most the entry in flight when the kill came reached the disk unacknowledged.
        expect(added.length - acked.length).toBeLessThanOrEqual(1);
        // Whole entries, padding and all: a torn line was dropped, not half-parsed or glued to the next.
        for (const entry of added)
          expect(entry).toMatchObject({ type: 'done', result: { pad: 'y'.repeat(65_536) } });
        before = entries;
      }
      const journal = new FileRestoreJournal(file);
      const finished: JournalEntry = { type: 'finished', at: new Date().toISOString(), ok: true };
      await journal.append(finished);
      await journal.close();
      expect(await new FileRestoreJournal(file).read()).toEqual([...before, finished]);
    },
  );

  // A write the kernel cuts short (a file size limit, a full disk) must not be acknowledged torn.
  it.runIf(onLinux)(
    'keeps every acknowledged entry when a write is cut short (disk full, file size limit)',
    async () => {
      const file = path.join(freshDir(), 'restore.journal.ndjson');
      const child = Child.start('restoreLoop', { file, prefix: 'r', pad: 9_000 }, 200);
      await child.go();
      const [[code] = []] = await child.waitForLines('failed', 1);
      await child.kill();
      expect(code).toBe('EFBIG');
      const acked = child.said('ack').map(([i]) => `user:r-${i}`);
      const entries = await new FileRestoreJournal(file).read();
      expect(entries.map(entityOf)).toEqual(acked);
    },
  );
});

describe('DirectoryBlobStore with writers in separate processes', { timeout: TEST_TIMEOUT_MS }, () => {
  it('two processes putting one key at once: one stores its whole body, the other gets BlobExistsError', async () => {
    const root = freshDir();
    const KEYS = 5;
    const SIZE = 3 * 1024 * 1024;
    // Different lengths and bytes, so the stored blob says whose it is and that it is whole.
    const writers = [
      { fill: 0x41, size: SIZE + 1 },
      { fill: 0x42, size: SIZE + 2 },
    ];
    const children = writers.map((w) => Child.start('blobRace', { root, keys: KEYS, ...w }));
    await Promise.all(children.map((child) => child.waitForLines('ready', 1)));
    for (let n = 0; n < KEYS; n++) {
      for (const child of children) child.send('go');
      const outcomes = await Promise.all(
        children.map(async (child) => (await child.waitForLines('put', n + 1))[n] ?? []),
      );
      const winners = outcomes.flatMap(([key, outcome], w) => {
        expect(key).toBe(`race/k${n}`);
        return outcome === 'stored' ? [w] : [];
      });
      expect(winners, `exactly one put of race/k${n} wins`).toHaveLength(1);
      expect(outcomes.filter(([, outcome]) => outcome === 'exists')).toHaveLength(1);
      const winner = writers[winners[0] ?? -1];
      const stored = await readFile(path.join(root, 'race', `k${n}`));
      expect(stored.length).toBe(winner?.size);
      expect(stored.every((byte) => byte === winner?.fill)).toBe(true);
    }
    await Promise.all(children.map((child) => child.finished()));
    const left = await readdir(path.join(root, 'race'));
    expect(left.filter(isTempName), 'the loser’s temp file is removed').toEqual([]);
    expect(left.sort()).toEqual(Array.from({ length: KEYS }, (_, n) => `k${n}`));
  });
});
