import type { JournalEntry } from '../../model/restoreJournalEntry.js';
import type { RestoreJournal } from '../../ports.js';

/** A journal in memory: for tests, and for callers that do not need to resume. */
export class MemoryRestoreJournal implements RestoreJournal {
  readonly entries: JournalEntry[] = [];
  async read(): Promise<JournalEntry[]> {
    return [...this.entries];
  }
  async append(entry: JournalEntry): Promise<void> {
    this.entries.push(structuredClone(entry));
  }
}
