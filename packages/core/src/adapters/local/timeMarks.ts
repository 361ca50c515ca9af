import { open } from 'node:fs/promises';
import { endsMidLine, errorCode, readTextIfExists } from './fsUtil.js';
import { NEWLINE } from './journalLine.js';

/**
 * `journal.marks`: a sparse index from time to place in the journal, so a reader that wants only the
 * records valid after some time need not index the whole history. Each line `<offset>\t<time>\n` says
 * "every record before byte <offset> is valid at or before <time>" (a running maximum of validFrom, so
 * a late record never moves it back). Records arrive roughly in validFrom order, so the records valid
 * after X start near the last mark whose time is ≤ X.
 *
 * Writers add a mark every MARK_EVERY_BYTES of journal, under the journal's lock. The file is derived
 * data: a torn last line is ignored, marks beyond the journal's end (a journal replaced by an older
 * copy) void them all, and deleting the file only makes reads index from the start again.
 */
export const MARK_EVERY_BYTES = 1024 * 1024;

export interface TimeMark {
  offset: number;
  maxValidFrom: number;
}

export class TimeMarks {
  constructor(readonly file: string) {}

  async read(journalSize: number): Promise<TimeMark[]> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return [];
    const marks: TimeMark[] = [];
    const lines = text.split('\n');
    lines.pop(); // after the last newline: empty, or a torn line
    for (const line of lines) {
      const [offset, time] = line.split('\t');
      const mark = { offset: Number(offset), maxValidFrom: Date.parse(time ?? '') };
      if (!Number.isSafeInteger(mark.offset) || Number.isNaN(mark.maxValidFrom)) continue;
      if (mark.offset > journalSize) return [];
      marks.push(mark);
    }
    return marks;
  }

  /** The greatest marked offset before which nothing is valid after `after` (ms); 0 without one. */
  async offsetBefore(after: number, journalSize: number): Promise<number> {
    let offset = 0;
    for (const mark of await this.read(journalSize))
      if (mark.maxValidFrom <= after && mark.offset > offset) offset = mark.offset;
    return offset;
  }

  async add(mark: TimeMark): Promise<void> {
    const handle = await open(this.file, 'a+');
    try {
      // A line torn by a killed writer is ended first, so this mark stands on a line of its own.
      const torn = await endsMidLine(handle);
      await handle.appendFile(
        `${torn ? '\n' : ''}${mark.offset}\t${new Date(mark.maxValidFrom).toISOString()}\n`,
      );
    } finally {
      await handle.close();
    }
  }
}

/** The journal's length in whole lines: an unfinished last line (a writer mid-append) is not counted. */
export async function wholeLinesSize(journal: string): Promise<number> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(journal, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (newline >= 0) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
