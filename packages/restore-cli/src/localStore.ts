import { existsSync, statSync } from 'node:fs';
import { InvalidInputError, SnapshotStore } from '@cognito-rewind/core';
import { DirectoryBlobStore, DirectoryChangeLog } from '@cognito-rewind/core/adapters/local';

export interface LocalStore {
  snapshots: SnapshotStore;
  changeLog: DirectoryChangeLog;
}

/** The embedded default store: snapshots and the change log side by side in one directory. */
export function openLocalStore(dir: string, { mustExist }: { mustExist: boolean }): LocalStore {
  const exists = existsSync(dir);
  if (exists && !statSync(dir).isDirectory())
    throw new InvalidInputError(`store ${dir} is a file, not a directory`);
  if (mustExist && !exists)
    throw new InvalidInputError(`store ${dir} does not exist (take a backup into it first)`);
  return {
    snapshots: new SnapshotStore(new DirectoryBlobStore(dir)),
    changeLog: new DirectoryChangeLog(dir),
  };
}
