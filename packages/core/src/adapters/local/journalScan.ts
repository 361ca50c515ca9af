import { open } from 'node:fs/promises';
import { recordHash } from '../../changes/hash.js';
import { parseStoredRecord } from '../../changes/recordSchema.js';
import type { JournalDamage } from '../../verify/storeDamage.js';
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

/**
 * Every damaged line of a journal, read start to end a chunk at a time (memory: one chunk and the
 * damage found): a line whose key or record does not parse, disagrees with its key, or fails its hash.
 * An unfinished last line is not damage (a writer may be mid-append; the next append cuts it off).
 */
export async function scanJournal(journal: string): Promise<JournalDamage[]> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(journal, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const damage: JournalDamage[] = [];
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    let base = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk;
      const end = carry.length + bytesRead;
      const used = scanLines(data, end, base, journal, damage);
      base += used;
      // Copied: `chunk` is reused by the next read.
      carry = Buffer.from(data.subarray(used, end));
    }
  } finally {
    await handle.close();
  }
  return damage;
}
