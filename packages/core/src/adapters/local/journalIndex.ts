import { type FileHandle, open, stat } from 'node:fs/promises';
import type { TimeRange } from '../../changes/logPosition.js';
import { ChangeLogCorruptError } from '../../errors.js';
import { errorCode } from './fsUtil.js';
import { decodeKey, NEWLINE, TAB } from './journalLine.js';

/** Where one record's JSON sits in the journal, and what it sorts by. */
export interface JournalEntry {
  offset: number;
  length: number;
  id: string;
  validFrom: number;
  version: number;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

const byTimeline = (a: JournalEntry, b: JournalEntry): number =>
  a.validFrom - b.validFrom || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Index of the first entry for which `past` holds, in entries sorted so that `past` flips once. */
function firstWhere(entries: readonly JournalEntry[], past: (entry: JournalEntry) => boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const entry = entries[mid];
    if (entry !== undefined && past(entry)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * An in-memory index of one pool's journal: per-entity version lists and the pool-wide timeline order,
 * holding only offsets and sort keys (the records stay on disk). `refresh` reads just the bytes appended
 * since the last call, and only whole lines: an unfinished last line, whether another writer is still
 * writing it or a crash tore it, is never indexed.
 */
export class JournalIndex {
  /** Bytes of whole lines indexed so far (from `start`). */
  size: number;
  /** The greatest validFrom indexed so far (ms); with `start` 0, of every record before `size`. */
  maxValidFrom = Number.NEGATIVE_INFINITY;
  private inode: number | undefined;
  private all: JournalEntry[] = [];
  private entities = new Map<string, JournalEntry[]>();
  /** `<entity>\0<eventId>` of every record that names its CloudTrail event. */
  private events = new Set<string>();
  private ordered: JournalEntry[] | undefined;

  /**
   * @param start a line boundary to index from: a partial index, for reads that need only what was
   *   appended after it (late arrivals, a timeline whose lower bound a time mark places).
   */
  constructor(
    readonly file: string,
    readonly start = 0,
    /**
     * Line offsets to leave out of the index, damaged lines a scan found (`scanJournal`); with it, a
     * line whose key does not parse is left out too instead of failing the index. For verify, which
     * reports the damage itself and checks everything else.
     */
    private readonly skip?: ReadonlySet<number>,
  ) {
    this.size = start;
  }

  /** Catches up with the journal; returns its size in bytes, unfinished last line included (0 when absent). */
  async refresh(): Promise<number> {
    let info: { ino: number; size: number };
    try {
      info = await stat(this.file);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      if (this.size > this.start) this.reset(undefined);
      return 0;
    }
    // A journal replaced or cut short under us (restored from a copy): start over.
    if (info.ino !== this.inode || info.size < this.size) this.reset(info.ino);
    if (info.size > this.size) {
      const handle = await open(this.file, 'r');
      try {
        await this.readFrom(handle, info.size);
      } finally {
        await handle.close();
      }
    }
    return info.size;
  }

  has(entity: string, version: number): boolean {
    const versions = this.entities.get(entity) ?? [];
    const at = firstWhere(versions, (e) => e.version >= version);
    return versions[at]?.version === version;
  }

  /** Does the entity already hold a record of this CloudTrail event? */
  hasEvent(entity: string, eventId: string): boolean {
    return this.events.has(`${entity}\u0000${eventId}`);
  }

  /** Entries appended at or after byte `offset`, in append order. */
  appendedSince(offset: number): readonly JournalEntry[] {
    return this.all.slice(firstWhere(this.all, (e) => e.offset >= offset));
  }

  history(entity: string): readonly JournalEntry[] {
    return this.entities.get(entity) ?? [];
  }

  /** Entries whose validFrom lies in (after, upTo], ordered by (validFrom, id). */
  timeline(range: TimeRange = {}): JournalEntry[] {
    this.ordered ??= [...this.all].sort(byTimeline);
    const after = range.after === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.after);
    const upTo = range.upTo === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.upTo);
    // Like `inRange`, a bound that does not parse matches nothing.
    if (Number.isNaN(after) || Number.isNaN(upTo)) return [];
    const ordered = this.ordered;
    return ordered.slice(
      firstWhere(ordered, (e) => e.validFrom > after),
      firstWhere(ordered, (e) => e.validFrom > upTo),
    );
  }

  private reset(inode: number | undefined): void {
    this.size = this.start;
    this.maxValidFrom = Number.NEGATIVE_INFINITY;
    this.inode = inode;
    this.all = [];
    this.entities = new Map();
    this.events = new Set();
    this.ordered = undefined;
  }

  private async readFrom(handle: FileHandle, end: number): Promise<void> {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = this.size;
    let carry = Buffer.alloc(0);
    while (position < end) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(CHUNK_BYTES, end - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const data =
        carry.length > 0
          ? Buffer.concat([carry, chunk.subarray(0, bytesRead)])
          : chunk.subarray(0, bytesRead);
      const base = position - data.length;
      let start = 0;
      for (let newline = data.indexOf(NEWLINE); newline >= 0; newline = data.indexOf(NEWLINE, start)) {
        this.addLine(data, start, newline, base);
        start = newline + 1;
        this.size = base + start;
      }
      // Copy: `chunk` is reused by the next read.
      carry = Buffer.from(data.subarray(start));
    }
  }

  private addLine(data: Buffer, start: number, newline: number, base: number): void {
    const tab = data.indexOf(TAB, start);
    const key = tab >= 0 && tab < newline ? decodeKey(data.toString('utf8', start, tab)) : undefined;
    const validFrom = key ? Date.parse(key.validFrom) : Number.NaN;
    if (this.skip?.has(base + start)) return;
    if ((key === undefined || Number.isNaN(validFrom)) && this.skip !== undefined) return;
    if (key === undefined || Number.isNaN(validFrom))
      throw new ChangeLogCorruptError(this.file, base + start, 'the line does not start with a record key');
    // Appends are checked under the lock, so a repeated version can only come from outside damage or a
    // broken lock: the first record stays authoritative, as the conditional append promised.
    if (this.has(key.entity, key.version)) return;
    const entry = {
      offset: base + tab + 1,
      length: newline - tab - 1,
      id: key.id,
      validFrom,
      version: key.version,
    };
    this.all.push(entry);
    this.ordered = undefined;
    if (validFrom > this.maxValidFrom) this.maxValidFrom = validFrom;
    if (key.eventId !== undefined) this.events.add(`${key.entity}\u0000${key.eventId}`);
    const versions = this.entities.get(key.entity);
    if (versions === undefined) this.entities.set(key.entity, [entry]);
    // Versions nearly always arrive in order; keep the list sorted when they do not.
    else
      versions.splice(
        firstWhere(versions, (e) => e.version > key.version),
        0,
        entry,
      );
  }
}
