import { truncate } from 'node:fs/promises';
import path from 'node:path';
import { ChangeLogCorruptError, InvalidInputError } from '../../errors.js';
import { changeJournalPaths } from '../../layout/storeLayout.js';
import type { JournalIndex } from './journalIndex.js';
import { JournalScanCheckpoint } from './journalScanCheckpoint.js';
import { SerialQueue } from './serialQueue.js';
import { TimeMarks } from './timeMarks.js';

/** One pool's journal as a `DirectoryChangeLog` keeps it: its files, its index, its marks and scans. */
export interface PoolJournal {
  dir: string;
  journal: string;
  lock: string;
  index: JournalIndex;
  /** Whether `index` has been built: until then, tail reads use partial indexes. */
  indexed: boolean;
  marks: TimeMarks;
  /** Offset of the newest time mark, once known (writers). */
  lastMark: number | undefined;
  /** One index update at a time within this process; the lock file orders processes. */
  queue: SerialQueue;
  /** How far the journal was scanned for damage, and what was found. */
  scans: JournalScanCheckpoint;
}

const POOL_ID = /^[A-Za-z0-9_.-]+$/;

/** The pool's journal under `root`, indexed by `newIndex`; refuses an id that is not a pool's. */
export function poolJournal(
  root: string,
  poolId: string,
  newIndex: (journal: string) => JournalIndex,
): PoolJournal {
  if (!POOL_ID.test(poolId) || poolId === '.' || poolId === '..')
    throw new InvalidInputError(`pool id ${JSON.stringify(poolId)} is not a user pool id`);
  const files = changeJournalPaths(poolId);
  const at = (relative: string) => path.join(root, relative);
  const journal = at(files.journal);
  return {
    dir: at(files.dir),
    journal,
    lock: at(files.lock),
    index: newIndex(journal),
    indexed: false,
    marks: new TimeMarks(at(files.marks)),
    lastMark: undefined,
    queue: new SerialQueue(),
    scans: new JournalScanCheckpoint(journal, at(files.scan)),
  };
}

/** Runs a read; a damaged line it meets is remembered for `damageSoFar` before the error goes on. */
export async function noting<T>(pool: PoolJournal, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ChangeLogCorruptError)
      await pool.scans.note({ offset: error.offset }).catch(() => {});
    throw error;
  }
}

/** Under the lock, after an append: a time mark every `everyBytes` of journal. */
export async function markTime(pool: PoolJournal, everyBytes: number): Promise<void> {
  const { size, maxValidFrom } = pool.index;
  pool.lastMark ??= (await pool.marks.read(size)).at(-1)?.offset ?? 0;
  if (size - pool.lastMark < everyBytes || !Number.isFinite(maxValidFrom)) return;
  await pool.marks.add({ offset: size, maxValidFrom });
  pool.lastMark = size;
}

/** Under the lock: index what others appended, and cut off a line a crashed writer left unfinished. */
export async function catchUp(pool: PoolJournal, warn: (message: string) => void): Promise<number> {
  pool.indexed = true;
  const size = await pool.index.refresh();
  if (size > pool.index.size) {
    await truncate(pool.journal, pool.index.size);
    warn(
      `dropped ${size - pool.index.size} bytes of an unfinished record at the end of ${pool.journal}: a writer stopped mid-append`,
    );
  }
  return pool.index.size;
}
