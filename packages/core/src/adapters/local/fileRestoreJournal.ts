import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type JournalEntry, parseJournalEntry } from '../../model/restoreJournalEntry.js';
import type { RestoreJournal } from '../../ports.js';
import { endsMidLine, readTextIfExists } from './fsUtil.js';

/**
 * A restore journal as a JSON-lines file. Each entry is appended and fsynced before the call it
 * announces goes out, so a restore killed at any instant (kill -9, Ctrl-C) finds every entry it
 * wrote; a line torn by the kill is the last one, and is dropped on read.
 */
export class FileRestoreJournal implements RestoreJournal {
  private queue: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;

  constructor(readonly file: string) {}

  async read(): Promise<JournalEntry[]> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return [];
    const entries: JournalEntry[] = [];
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        // Only a torn final line can fail to parse: entries are written whole, one at a time.
        continue;
      }
      entries.push(parseJournalEntry(json, `${this.file} line ${index + 1}`));
    }
    return entries;
  }

  /** Appends are serialised: concurrent tasks of one restore share the file. */
  append(entry: JournalEntry): Promise<void> {
    const write = this.queue.then(() => this.write(entry));
    this.queue = write.catch(() => {});
    return write;
  }

  private async write(entry: JournalEntry): Promise<void> {
    if (this.handle === undefined) {
      await mkdir(dirname(this.file), { recursive: true });
      const handle = await open(this.file, 'a+');
      // A line torn by a kill has no newline: end it, so this run's first entry stands on its own.
      if (await endsMidLine(handle)) await handle.write('\n');
      this.handle = handle;
    }
    const handle = this.handle;
    try {
      // A write may go out short (a full disk, a file-size limit): the rest must follow, or the
      // entry is acknowledged but torn, and dropped on the next read.
      const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
      for (let written = 0; written < bytes.length; )
        written += (await handle.write(bytes, written)).bytesWritten;
      await handle.datasync();
    } catch (error) {
      // Reopen for the next entry, which then first ends whatever torn line this one left.
      this.handle = undefined;
      await handle.close().catch(() => {});
      throw error;
    }
  }

  /** Closes the file; the journal can be appended to again later (it reopens). */
  async close(): Promise<void> {
    await this.queue;
    await this.handle?.close();
    this.handle = undefined;
  }
}
