import { open } from 'node:fs/promises';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { JournalEntry } from './journalIndex.js';
import { noting, type PoolJournal } from './poolJournal.js';
import { readRecords } from './readRecords.js';

const READ_BATCH = 2048;

/** The records of `entries`, read at once from one open journal handle. */
export async function readJournal(
  pool: PoolJournal,
  entries: readonly JournalEntry[],
): Promise<ChangeRecord[]> {
  const handle = await open(pool.journal, 'r');
  try {
    return await noting(pool, () => readRecords(handle, pool.journal, entries));
  } finally {
    await handle.close();
  }
}

/** Streams the records of `entries` in their order, a batch at a time, from one open journal handle. */
export async function* readEntries(
  pool: PoolJournal,
  entries: readonly JournalEntry[],
): AsyncGenerator<ChangeRecord> {
  if (entries.length === 0) return;
  const handle = await open(pool.journal, 'r');
  try {
    for (let i = 0; i < entries.length; i += READ_BATCH)
      yield* await noting(pool, () => readRecords(handle, pool.journal, entries.slice(i, i + READ_BATCH)));
  } finally {
    await handle.close();
  }
}
