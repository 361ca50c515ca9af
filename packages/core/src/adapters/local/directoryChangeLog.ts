/**
 * `DirectoryChangeLog`: the change log as files, mirroring the S3/DynamoDB layout in a directory.
 *
 *   <root>/cognito-backup/<poolId>/changes/      (`changeJournalPaths` in storeLayout)
 *     journal.log    append-only, one record per line: `<key JSON>\t<record JSON>\n`
 *                    (see journalLine.ts); the key `[id, validFrom, entity, version]` lets the index
 *                    be rebuilt by parsing a few bytes per line
 *     journal.lock   exists only while a writer checks and appends (O_EXCL, names its owner)
 *     journal.marks  time marks: where the records valid after a time start (timeMarks.ts)
 *     journal.scan   how far the journal was scanned for damage, and what was found
 *                    (journalScanCheckpoint.ts): each `damageSoFar` reads only what was appended since
 *
 * Appends: take the pool's lock, catch the index up with lines other processes appended, refuse a taken
 * (entity, version) with `VersionConflictError`, append, fsync. Two processes on one directory therefore
 * never both win a version. A crash mid-append leaves at worst an unfinished last line: readers never
 * index it, and the next writer cuts it off (reporting it through `onWarning`) before appending, so it
 * can never run into the next record. Earlier lines are never rewritten.
 *
 * Reads: an in-memory index per pool (offsets and sort keys, not records) is caught up from the
 * journal's size on every call, so `head` costs a stat and one small read, and the timeline is a sort of
 * the index plus mostly sequential reads of the journal. A process that has not built that index
 * (a CLI run answering state(T)) reads what replay needs — the records appended after a position, the
 * timeline after a time — through a partial index of the journal's tail, from the position or from
 * the time mark before that time: the cost is what changed since, not the age of the history.
 */
import { mkdir } from 'node:fs/promises';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { DamageSummary, JournalDamage } from '../../changes/journalDamage.js';
import type { AppendOutcome, LogPosition, TimeRange } from '../../changes/logPosition.js';
import { InvalidInputError } from '../../errors.js';
import type { EntityKey } from '../../model/entityKey.js';
import type { ChangeLog } from '../../ports.js';
import { withFileLock } from './fileLock.js';
import { syncDirectory } from './fsUtil.js';
import { type JournalEntry, JournalIndex } from './journalIndex.js';
import { readEntries, readJournal } from './journalReads.js';
import { scanJournalFrom } from './journalScan.js';
import type { IncrementalScan } from './journalScanCheckpoint.js';
import { appendLines, checkRecord, isDuplicate, refuseTaken } from './journalWriter.js';
import { catchUp, markTime, noting, type PoolJournal, poolJournal } from './poolJournal.js';
import { MARK_EVERY_BYTES, wholeLinesSize } from './timeMarks.js';

export interface DirectoryChangeLogOptions {
  /**
   * fsync the journal before an append resolves, so an acknowledged record survives a power cut.
   * @default true
   */
  readonly durable?: boolean;
  /** How long an append waits for another writer's lock before `StoreLockedError`. @default 30000 */
  readonly lockTimeoutMs?: number;
  /** Told when an append cuts off the unfinished line a crashed writer left. @default ignore */
  readonly onWarning?: (message: string) => void;
  /** Journal bytes between time marks (timeMarks.ts). @default MARK_EVERY_BYTES (1 MiB) */
  readonly markEveryBytes?: number;
  /**
   * Reads leave out the lines `damage` found damaged, instead of failing on them: for verify, which
   * reports each damaged line once and checks everything else. Such a log refuses appends.
   * @default false
   */
  readonly skipDamaged?: boolean;
}

export class DirectoryChangeLog implements ChangeLog {
  private readonly pools = new Map<string, PoolJournal>();
  private readonly durable: boolean;
  private readonly lockTimeoutMs: number;
  private readonly warn: (message: string) => void;
  private readonly markEveryBytes: number;
  private readonly skipDamaged: boolean;
  /** Offsets of damaged lines per pool, once `damage` scanned its journal. */
  private readonly damaged = new Map<string, Set<number>>();

  constructor(
    readonly root: string,
    options: DirectoryChangeLogOptions = {},
  ) {
    this.durable = options.durable ?? true;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.warn = options.onWarning ?? (() => {});
    this.markEveryBytes = options.markEveryBytes ?? MARK_EVERY_BYTES;
    this.skipDamaged = options.skipDamaged ?? false;
  }

  /**
   * Every damaged line of the pool's journal (a full read of it, one chunk at a time): a line that does
   * not parse, disagrees with its key, or fails its hash, with its byte offset and the entity it names.
   */
  async damage(poolId: string): Promise<JournalDamage[]> {
    const pool = this.pool(poolId);
    const scan = await scanJournalFrom(pool.journal, 0);
    // What every later command warns of, until the next full scan.
    await pool.scans.record(scan);
    const found = scan.damage;
    this.damaged.set(poolId, new Set(found.map((line) => line.offset)));
    // The index is rebuilt without them at the next read.
    if (this.skipDamaged) this.pools.delete(poolId);
    return found;
  }

  /**
   * The damage known so far: the last scan's, plus what was appended since it, scanned now (and what
   * reads met). Cheap enough for every command: the bytes read are those appended since the last call,
   * by any process (see journalScanCheckpoint.ts).
   */
  async damageSoFar(poolId: string): Promise<DamageSummary & Pick<IncrementalScan, 'from' | 'bytesRead'>> {
    return this.pool(poolId).scans.scan();
  }

  private pool(poolId: string): PoolJournal {
    let pool = this.pools.get(poolId);
    if (pool === undefined) {
      pool = poolJournal(this.root, poolId, (journal) => this.newIndex(poolId, journal));
      this.pools.set(poolId, pool);
    }
    return pool;
  }

  private newIndex(poolId: string, journal: string, start = 0): JournalIndex {
    if (!this.skipDamaged) return new JournalIndex(journal, start);
    return new JournalIndex(journal, start, this.damaged.get(poolId) ?? new Set());
  }

  async append(record: ChangeRecord): Promise<AppendOutcome> {
    return (await this.write([record], { skipDuplicate: true })) ? 'appended' : 'duplicate';
  }

  /**
   * Appends records of one pool under a single lock and fsync: all of them, or none when any
   * (entity, version) is taken or repeated within the batch, or any repeats an event its entity holds.
   * Meant for bulk loads (imports, benchmarks). A crash part-way through a large batch keeps a prefix
   * of it, each kept line a whole record.
   */
  async appendMany(records: readonly ChangeRecord[]): Promise<void> {
    await this.write(records, { skipDuplicate: false });
  }

  /** Whether anything was written (false: a single record that repeats an event). */
  private async write(
    records: readonly ChangeRecord[],
    { skipDuplicate }: { skipDuplicate: boolean },
  ): Promise<boolean> {
    const first = records[0];
    if (first === undefined) return false;
    for (const record of records) checkRecord(record, first.poolId);
    if (this.skipDamaged)
      throw new InvalidInputError('a change log that reads past damaged lines (verify) appends nothing');
    const pool = this.pool(first.poolId);
    await mkdir(pool.dir, { recursive: true });
    return pool.queue.run(() =>
      withFileLock(
        pool.lock,
        async () => {
          const size = await catchUp(pool, this.warn);
          if (skipDuplicate && isDuplicate(pool.index, first)) return false;
          refuseTaken(pool.index, records);
          await appendLines(pool.journal, records, this.durable);
          if (size === 0 && this.durable) await syncDirectory(pool.dir);
          await pool.index.refresh();
          await markTime(pool, this.markEveryBytes);
          return true;
        },
        { timeoutMs: this.lockTimeoutMs },
      ),
    );
  }

  private async caughtUp(poolId: string): Promise<PoolJournal> {
    const pool = this.pool(poolId);
    pool.indexed = true;
    await noting(pool, () => pool.queue.run(() => pool.index.refresh()));
    return pool;
  }

  /** The whole index once built; else a partial index of the journal from `start` (a line boundary). */
  private async tail(
    poolId: string,
    start: () => Promise<number>,
  ): Promise<{ pool: PoolJournal; index: JournalIndex }> {
    const pool = this.pool(poolId);
    if (pool.indexed) return { pool: await this.caughtUp(poolId), index: pool.index };
    const from = await start();
    // Nothing to skip: build (and keep) the whole index.
    if (from === 0) return { pool: await this.caughtUp(poolId), index: pool.index };
    const index = this.newIndex(poolId, pool.journal, from);
    await noting(pool, () => index.refresh());
    return { pool, index };
  }

  async head(poolId: string, entity: EntityKey): Promise<ChangeRecord | undefined> {
    const pool = await this.caughtUp(poolId);
    const last = pool.index.history(entity).at(-1);
    if (last === undefined) return undefined;
    const [record] = await readJournal(pool, [last]);
    return record;
  }

  entityHistory(poolId: string, entity: EntityKey): AsyncIterable<ChangeRecord> {
    return this.stream(poolId, (pool) => pool.index.history(entity));
  }

  async *timeline(poolId: string, range: TimeRange = {}): AsyncIterable<ChangeRecord> {
    const after = range.after === undefined ? Number.NaN : Date.parse(range.after);
    const { pool, index } = await this.tail(poolId, async () => {
      if (Number.isNaN(after)) return 0;
      const { marks, journal } = this.pool(poolId);
      return marks.offsetBefore(after, await wholeLinesSize(journal));
    });
    yield* readEntries(pool, index.timeline(range));
  }

  /** The journal's length in whole lines: appends are visible as soon as they are written. */
  async position(poolId: string): Promise<LogPosition> {
    const pool = this.pool(poolId);
    if (pool.indexed) return String((await this.caughtUp(poolId)).index.size);
    return String(await wholeLinesSize(pool.journal));
  }

  async *appendedSince(
    poolId: string,
    since: LogPosition,
    filter: { validUpTo?: string } = {},
  ): AsyncGenerator<ChangeRecord> {
    const offset = Number(since);
    if (!/^\d+$/.test(since) || !Number.isSafeInteger(offset))
      throw new InvalidInputError(`${JSON.stringify(since)} is not a position of a directory change log`);
    const upTo = filter.validUpTo === undefined ? Number.POSITIVE_INFINITY : Date.parse(filter.validUpTo);
    const { pool, index } = await this.tail(poolId, async () => offset);
    yield* readEntries(
      pool,
      index.appendedSince(offset).filter((entry) => entry.validFrom <= upTo),
    );
  }

  /** Streams records in the order `select` gives, a batch at a time, from one open journal handle. */
  private async *stream(
    poolId: string,
    select: (pool: PoolJournal) => readonly JournalEntry[],
  ): AsyncGenerator<ChangeRecord> {
    const pool = await this.caughtUp(poolId);
    yield* readEntries(pool, select(pool));
  }
}
