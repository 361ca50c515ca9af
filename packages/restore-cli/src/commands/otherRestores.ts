import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  BACKUP_ROOT,
  isRestoreJournalName,
  type JournalSummary,
  restoresFolder,
  summarizeJournal,
} from '@cognito-rewind/core';
import { FileRestoreJournal } from '@cognito-rewind/core/adapters/local';

/** The names in a directory; none when it does not exist. */
async function namesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * What the other restores run from this store did: every journal under
 * `cognito-backup/<pool>/restores/` but `own`. Their sub ledgers name the users they re-created, so a
 * later restore (other arguments, another journal) knows them for what they are: never impostors
 * under a name of T, replaced again with yet another sub.
 */
export async function otherRestores(storeDir: string, own: string): Promise<JournalSummary[]> {
  const summaries: JournalSummary[] = [];
  for (const pool of await namesIn(join(storeDir, BACKUP_ROOT))) {
    const dir = join(storeDir, restoresFolder(pool));
    for (const name of (await namesIn(dir)).filter(isRestoreJournalName)) {
      const file = join(dir, name);
      if (resolve(file) !== resolve(own))
        summaries.push(summarizeJournal(await new FileRestoreJournal(file).read()));
    }
  }
  return summaries;
}
