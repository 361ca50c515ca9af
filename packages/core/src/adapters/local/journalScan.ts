import { open } from 'node:fs/promises';
import { recordHash } from '../../changes/hash.js';
import type { JournalDamage } from '../../changes/journalDamage.js';
import { parseStoredRecord } from '../../changes/recordSchema.js';
import { errorCode } from './fsUtil.js';
import { decodeKey, NEWLINE } from './journalLine.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The entity a damaged line belonged to, when its key column or its body still names it. */
function entityOf(line: string): string | undefined {
  const tab = line.indexOf('\t');
  const key = tab >= 0 ? decodeKey(line.slice(0, tab)) : undefined;
  if (key !== undefined) return key.entity;
  const named = /"entity":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  if (named === undefined) return undefined;
  try {
    return JSON.parse(`"${named}"`) as string;
  } catch {
    return undefined;
  }
}

/** Why one whole line is not a sound record, or undefined when it is. */
function lineProblem(line: string, journal: string, offset: number): string | undefined {
  const tab = line.indexOf('\t');
  const key = tab >= 0 ? decodeKey(line.slice(0, tab)) : undefined;
  if (key === undefined) return 'the line does not start with a record key';
  let json: unknown;
  try {
    json = JSON.parse(line.slice(tab + 1));
  } catch {
    return 'the record is not valid JSON';
  }
  try {
    const record = parseStoredRecord(json, journal, offset);
    if (record.id !== key.id || record.version !== key.version || record.entity !== key.entity)
      return `record ${record.id} does not match its key column (${key.id}, version ${key.version})`;
    if (recordHash(record) !== record.hash) return `record ${record.id} fails its checksum (its hash)`;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^.*is damaged at byte \d+: /, '') : String(error);
  }
  return undefined;
}

/** Checks the whole lines of `data` (up to `end`), from file offset `base`; answers the bytes used. */
function scanLines(
  data: Buffer,
  end: number,
  base: number,
  journal: string,
  damage: JournalDamage[],
): number {
  let start = 0;
  for (let nl = data.indexOf(NEWLINE); nl >= 0 && nl < end; nl = data.indexOf(NEWLINE, start)) {
    const line = data.toString('utf8', start, nl);
    const problem = lineProblem(line, journal, base + start);
    if (problem !== undefined) {
      const entity = entityOf(line);
      damage.push({
        where: journal,
        offset: base + start,
        problem,
        ...(entity === undefined ? {} : { entity }),
      });
    }
    start = nl + 1;
  }
  return start;
}

/** What one pass over a journal found, and how far it got. */
export interface JournalScan {
  damage: JournalDamage[];
  /** Where the scan started (a line boundary). */
  start: number;
  /** The end of the last whole line scanned: the next scan starts here. */
  end: number;
  /** Where that last whole line starts (`end` when there was none): its bytes fingerprint the scan. */
  lastLine: number;
  /** Bytes read from the journal. */
  bytesRead: number;
}

/**
 * Every damaged line of a journal from `start` (a line boundary) to its end, read a chunk at a time
 * (memory: one chunk and the damage found): a line whose key or record does not parse, disagrees with
 * its key, or fails its hash. An unfinished last line is not damage (a writer may be mid-append; the
 * next append cuts it off), and is left for the next scan.
 */
export async function scanJournalFrom(journal: string, start: number): Promise<JournalScan> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(journal, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT')
      return { damage: [], start, end: start, lastLine: start, bytesRead: 0 };
    throw error;
  }
  const damage: JournalDamage[] = [];
  let base = start;
  let lastLine = start;
  let bytesRead = 0;
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    for (;;) {
      const read = await handle.read(chunk, 0, CHUNK_BYTES, base + carry.length);
      if (read.bytesRead === 0) break;
      bytesRead += read.bytesRead;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read.bytesRead)]) : chunk;
      const end = carry.length + read.bytesRead;
      const used = scanLines(data, end, base, journal, damage);
      if (used > 0) lastLine = base + (used >= 2 ? data.lastIndexOf(NEWLINE, used - 2) + 1 : 0);
      base += used;
      // Copied: `chunk` is reused by the next read.
      carry = Buffer.from(data.subarray(used, end));
    }
  } finally {
    await handle.close();
  }
  return { damage, start, end: base, lastLine, bytesRead };
}

/**
 * The damage of the one whole line starting at `offset`, or undefined when it is sound (or not
 * finished): what a read that failed there met, checked as a scan would, so a reader whose offsets
 * went stale (the journal rewritten under it) is not taken for damage of the line it landed in.
 */
export async function checkLineAt(journal: string, offset: number): Promise<JournalDamage | undefined> {
  const handle = await open(journal, 'r');
  try {
    const data = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(data, 0, CHUNK_BYTES, offset);
    const damage: JournalDamage[] = [];
    const newline = data.subarray(0, bytesRead).indexOf(NEWLINE);
    if (newline >= 0) scanLines(data, newline + 1, offset, journal, damage);
    return damage[0];
  } finally {
    await handle.close();
  }
}

/** Every damaged line of a whole journal (see `scanJournalFrom`). */
export async function scanJournal(journal: string): Promise<JournalDamage[]> {
  return (await scanJournalFrom(journal, 0)).damage;
}
