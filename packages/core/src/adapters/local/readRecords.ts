import type { FileHandle } from 'node:fs/promises';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { parseStoredRecord } from '../../changes/recordSchema.js';
import { ChangeLogCorruptError } from '../../errors.js';
import type { JournalEntry } from './journalIndex.js';

/** Lines closer than this are fetched in one read, gap included: one syscall beats many small ones. */
const MAX_GAP_BYTES = 64 * 1024;
const MAX_SPAN_BYTES = 8 * 1024 * 1024;

interface Wanted {
  entry: JournalEntry;
  slot: number;
}

async function readSpan(handle: FileHandle, journal: string, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(end - start);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
    if (bytesRead === 0)
      throw new ChangeLogCorruptError(journal, start + filled, 'the journal ends before a record');
    filled += bytesRead;
  }
  return buffer;
}

function parseRecord(buffer: Buffer, from: number, entry: JournalEntry, journal: string): ChangeRecord {
  let json: unknown;
  try {
    json = JSON.parse(buffer.toString('utf8', from, from + entry.length));
  } catch (error) {
    throw new ChangeLogCorruptError(journal, entry.offset, 'the record is not valid JSON', { cause: error });
  }
  const record = parseStoredRecord(json, journal, entry.offset);
  // The key column is what the index sorted and selected by: a body that disagrees was edited.
  if (record.id !== entry.id || record.version !== entry.version)
    throw new ChangeLogCorruptError(
      journal,
      entry.offset,
      `record ${record.id} does not match its key column (${entry.id}, version ${entry.version})`,
    );
  return record;
}

/**
 * Reads the records at `entries` and returns them in the same order. Reads go in file order and nearby
 * lines are coalesced into one read: a timeline is close to append order, so a batch of it usually costs
 * a single sequential read.
 */
export async function readRecords(
  handle: FileHandle,
  journal: string,
  entries: readonly JournalEntry[],
): Promise<ChangeRecord[]> {
  const wanted: Wanted[] = entries
    .map((entry, slot) => ({ entry, slot }))
    .sort((a, b) => a.entry.offset - b.entry.offset);
  const out = new Array<ChangeRecord>(entries.length);
  let span: Wanted[] = [];
  const flush = async () => {
    const first = span[0];
    const last = span.at(-1);
    if (first === undefined || last === undefined) return;
    // Sorted by offset and lines never overlap, so the last line ends the span.
    const start = first.entry.offset;
    const end = last.entry.offset + last.entry.length;
    const buffer = await readSpan(handle, journal, start, end);
    for (const { entry, slot } of span) out[slot] = parseRecord(buffer, entry.offset - start, entry, journal);
    span = [];
  };
  for (const item of wanted) {
    const first = span[0];
    const last = span.at(-1);
    const spanEnd = last ? last.entry.offset + last.entry.length : 0;
    const fits =
      first !== undefined &&
      item.entry.offset - spanEnd <= MAX_GAP_BYTES &&
      item.entry.offset + item.entry.length - first.entry.offset <= MAX_SPAN_BYTES;
    if (!fits) await flush();
    span.push(item);
  }
  await flush();
  return out;
}
