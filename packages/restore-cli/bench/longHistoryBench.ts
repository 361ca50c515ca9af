import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type BlobInfo,
  type BlobStore,
  type ByteSource,
  type ChangeRecord,
  changeId,
  changeJournalPaths,
  countByKind,
  entityKey,
  ForwardingChangeLog,
  type LogPosition,
  SnapshotStore,
  stateAt,
  type TimeRange,
  verifyPool,
} from '@cognito-rewind/core';
import { DirectoryBlobStore, DirectoryChangeLog } from '@cognito-rewind/core/adapters/local';
import { nextUserRecord, type UserHead, userDoc, username, usersAt } from './synthetic.js';

/**
 * Does a long history slow down state(T) for a recent T? Two stores in a directory: a LONG pool with
 * hourly snapshots over many days and a million change records, and a YOUNG one with one snapshot and
 * only the records the long pool has after its newest snapshot (same users, same times). state(T), a
 * few minutes after that snapshot, should cost the same on both.
 */

const POOL = 'us-east-1_History';
const HOUR = 3_600_000;
const T0 = Date.parse('2024-05-01T00:00:00.000Z');
/** T is this long after the newest snapshot. */
const STATE_AFTER_MS = 5 * 60_000;
const BATCH = 10_000;

interface HistoryPlan {
  users: number;
  records: number;
  days: number;
}

interface HistoryMeta extends HistoryPlan {
  /** The instant state(T) is asked for. */
  at: string;
  /** Index of the first record valid after the long pool's newest snapshot. */
  firstTail: number;
}

const planFromEnv = (): HistoryPlan => ({
  users: Number(process.env.BENCH_HISTORY_USERS ?? 1_000),
  records: Number(process.env.BENCH_HISTORY_RECORDS ?? 1_000_000),
  days: Number(process.env.BENCH_HISTORY_DAYS ?? 30),
});

/** Record n is valid at this time: records spread evenly over the plan's days, the last at its end. */
const validFromOf = (plan: HistoryPlan, n: number): number =>
  T0 + Math.floor(((n + 1) * plan.days * 24 * HOUR) / plan.records);

const seconds = (start: number): number => Number(((performance.now() - start) / 1000).toFixed(3));
const progress = (message: string) => process.stderr.write(`[longHistory] ${message}\n`);

/** Appends records in batches, and can flush the batch at a boundary. */
class BatchAppender {
  private readonly batch: ChangeRecord[] = [];
  lastId: string | null = null;

  constructor(private readonly log: DirectoryChangeLog) {}

  async push(record: ChangeRecord): Promise<void> {
    this.batch.push(record);
    this.lastId = record.id;
    if (this.batch.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batch.length > 0) await this.log.appendMany(this.batch.splice(0));
  }
}

interface SnapshotAt {
  snapshots: SnapshotStore;
  at: number;
  heads: readonly UserHead[];
  logPosition: LogPosition;
  lastChangeId: string | null;
  base: string | undefined;
  counts: Record<string, number>;
}

async function writeSnapshot(s: SnapshotAt): Promise<string> {
  const at = new Date(s.at).toISOString();
  const manifest = await s.snapshots.write(
    {
      poolId: POOL,
      snapshotId: changeId(new Date(s.at)),
      at,
      createdAt: at,
      kind: s.base === undefined ? 'scan' : 'compaction',
      lastChangeId: s.lastChangeId,
      ...(s.base === undefined ? {} : { base: s.base }),
      logPosition: s.logPosition,
      counts: s.counts,
      notCaptured: [],
    },
    usersAt(s.heads),
  );
  return manifest.snapshotId;
}

const openStore = (root: string) => ({
  snapshots: new SnapshotStore(new DirectoryBlobStore(root, { durable: false })),
  log: new DirectoryChangeLog(root, { durable: false }),
});

const freshHeads = (users: number): UserHead[] =>
  Array.from({ length: users }, () => ({ version: 0, hash: null }));

const countsOf = (users: number) =>
  countByKind(Array.from({ length: users }, (_, i) => entityKey('user', username(i))));

/**
 * The long pool: a snapshot every hour h (0 ≤ h < days·24) holding exactly the records valid at or
 * before it, its log position taken after those records were appended and before any later one; the
 * records valid after the newest snapshot follow it. Returns the index of the first of those.
 */
async function buildLong(root: string, plan: HistoryPlan): Promise<number> {
  const { snapshots, log } = openStore(root);
  const heads = freshHeads(plan.users);
  const counts = countsOf(plan.users);
  const appender = new BatchAppender(log);
  const hours = plan.days * 24;
  let n = 0;
  let base: string | undefined;
  for (let h = 0; h < hours; h++) {
    const at = T0 + h * HOUR;
    for (; n < plan.records && validFromOf(plan, n) <= at; n++) {
      const when = new Date(validFromOf(plan, n)).toISOString();
      await appender.push(nextUserRecord(POOL, n % plan.users, heads[n % plan.users] ?? freshHead(), when));
    }
    await appender.flush();
    const logPosition = await log.position(POOL);
    base = await writeSnapshot({
      snapshots,
      at,
      heads,
      logPosition,
      lastChangeId: appender.lastId,
      base,
      counts,
    });
    if ((h + 1) % 24 === 0) progress(`long pool: day ${(h + 1) / 24} of ${plan.days}, ${n} records`);
  }
  const firstTail = n;
  await appendRecords(appender, plan, heads, firstTail);
  return firstTail;
}

const freshHead = (): UserHead => ({ version: 0, hash: null });

/** Records firstTail…records-1, each continuing its user's chain in `heads`. */
async function appendRecords(
  appender: BatchAppender,
  plan: HistoryPlan,
  heads: UserHead[],
  firstTail: number,
): Promise<void> {
  for (let n = firstTail; n < plan.records; n++) {
    const when = new Date(validFromOf(plan, n)).toISOString();
    await appender.push(nextUserRecord(POOL, n % plan.users, heads[n % plan.users] ?? freshHead(), when));
  }
  await appender.flush();
}

/**
 * The young pool: the same users, scanned once at the long pool's newest snapshot time (every user at
 * version 0), then the same records (users and validFrom) as the long pool's tail.
 */
async function buildYoung(root: string, plan: HistoryPlan, firstTail: number): Promise<void> {
  const { snapshots, log } = openStore(root);
  const heads = freshHeads(plan.users);
  const at = T0 + (plan.days * 24 - 1) * HOUR;
  const logPosition = await log.position(POOL);
  await writeSnapshot({
    snapshots,
    at,
    heads,
    logPosition,
    lastChangeId: null,
    base: undefined,
    counts: countsOf(plan.users),
  });
  await appendRecords(new BatchAppender(log), plan, heads, firstTail);
}

const journalMiB = (root: string): number =>
  Math.round(statSync(join(root, changeJournalPaths(POOL).journal)).size / 2 ** 20);

/** Builds both pools under `dir` (`long/`, `young/`) and leaves `history.json` for the measurements. */
export async function setUpLongHistory(dir: string) {
  const plan = planFromEnv();
  mkdirSync(dir, { recursive: true });
  let start = performance.now();
  const firstTail = await buildLong(join(dir, 'long'), plan);
  const longSetupSeconds = seconds(start);
  progress(`long pool built in ${longSetupSeconds} s`);
  start = performance.now();
  await buildYoung(join(dir, 'young'), plan, firstTail);
  const youngSetupSeconds = seconds(start);
  const newestSnapshot = T0 + (plan.days * 24 - 1) * HOUR;
  const meta: HistoryMeta = {
    ...plan,
    at: new Date(newestSnapshot + STATE_AFTER_MS).toISOString(),
    firstTail,
  };
  writeFileSync(join(dir, 'history.json'), JSON.stringify(meta));
  return {
    ...plan,
    snapshots: plan.days * 24,
    recordsAfterNewestSnapshot: plan.records - firstTail,
    at: meta.at,
    longSetupSeconds,
    youngSetupSeconds,
    longJournalMiB: journalMiB(join(dir, 'long')),
    youngJournalMiB: journalMiB(join(dir, 'young')),
  };
}

/** A change log that counts the records its pool-wide reads hand out. */
class CountingChangeLog extends ForwardingChangeLog {
  timelineRecords = 0;
  appendedSinceRecords = 0;

  override async *timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    for await (const record of this.inner.timeline(poolId, range)) {
      this.timelineRecords++;
      yield record;
    }
  }

  override async *appendedSince(
    poolId: string,
    since: LogPosition,
    filter?: { validUpTo?: string },
  ): AsyncIterable<ChangeRecord> {
    for await (const record of this.inner.appendedSince(poolId, since, filter)) {
      this.appendedSinceRecords++;
      yield record;
    }
  }
}

/** A blob store that counts the blobs its listings hand out and the time they take. */
class ListTimingBlobStore implements BlobStore {
  blobsListed = 0;
  listSeconds = 0;

  constructor(private readonly inner: BlobStore) {}

  put(key: string, body: ByteSource, options?: { contentType?: string }): Promise<BlobInfo> {
    return this.inner.put(key, body, options);
  }

  get(key: string): Promise<AsyncIterable<Uint8Array>> {
    return this.inner.get(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const start = performance.now();
    try {
      for await (const info of this.inner.list(prefix)) {
        this.blobsListed++;
        yield info;
      }
    } finally {
      this.listSeconds += (performance.now() - start) / 1000;
    }
  }
}

/** Each user's version at `at`: how many of its records (from `from` on) are valid by then. */
function expectedVersions(meta: HistoryMeta, from: number): number[] {
  const versions = new Array<number>(meta.users).fill(0);
  const until = Date.parse(meta.at);
  for (let n = from; n < meta.records && validFromOf(meta, n) <= until; n++)
    versions[n % meta.users] = (versions[n % meta.users] ?? 0) + 1;
  return versions;
}

/**
 * state(T) on `root` (`…/long` or `…/young`), timed from the call to the last entity read; meant to
 * run in a fresh process, as a CLI run does. The result is checked against the known history.
 */
export async function measureLongHistoryState(root: string) {
  const meta = JSON.parse(readFileSync(join(dirname(root), 'history.json'), 'utf8')) as HistoryMeta;
  const changeLog = new CountingChangeLog(new DirectoryChangeLog(root));
  const blobs = new ListTimingBlobStore(new DirectoryBlobStore(root));
  const snapshots = new SnapshotStore(blobs);
  const start = performance.now();
  const result = await stateAt({ snapshots, changeLog }, POOL, meta.at);
  const seen: { key: string; version: number; doc: unknown }[] = [];
  for await (const entry of result.entities)
    seen.push({ key: entry.key, version: entry.version, doc: entry.doc });
  const wallSeconds = seconds(start);

  const young = basename(root) === 'young';
  const expected = expectedVersions(meta, young ? meta.firstTail : 0);
  const wrong = seen.filter(
    (entry, i) =>
      entry.key !== entityKey('user', username(i)) ||
      entry.version !== expected[i] ||
      JSON.stringify(entry.doc) !== JSON.stringify(userDoc(i, entry.version)),
  ).length;
  if (seen.length !== meta.users || wrong > 0)
    throw new Error(
      `state(T) of ${root} is wrong: ${seen.length} entities, ${wrong} differ from the history`,
    );
  return {
    pool: young ? 'young' : 'long',
    at: meta.at,
    base: { at: result.base.at, kind: result.base.kind, logPosition: result.base.logPosition },
    entities: seen.length,
    recordsRead: changeLog.timelineRecords + changeLog.appendedSinceRecords,
    timelineRecords: changeLog.timelineRecords,
    appendedSinceRecords: changeLog.appendedSinceRecords,
    snapshotListing: { blobs: blobs.blobsListed, seconds: Number(blobs.listSeconds.toFixed(3)) },
    wallSeconds,
  };
}

/**
 * `verify` of the long pool: every chain, every snapshot and its entries against the log, in a fresh
 * process so its peak memory is its own. Memory must not grow with the records (verify streams).
 */
export async function measureLongHistoryVerify(root: string) {
  const changeLog = new DirectoryChangeLog(root);
  const snapshots = new SnapshotStore(new DirectoryBlobStore(root));
  const start = performance.now();
  const report = await verifyPool({ snapshots, changeLog }, POOL);
  const wallSeconds = seconds(start);
  if (report.problems.length > 0)
    throw new Error(
      `verify of ${root} found ${report.problems.length} problems: ${report.problems[0]?.problem}`,
    );
  return {
    records: report.records,
    entities: report.entities,
    snapshots: report.snapshots,
    snapshotEntries: report.snapshotEntries,
    wallSeconds,
    recordsPerSecond: Math.round(report.records / wallSeconds),
  };
}
