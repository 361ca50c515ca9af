import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DirectoryStoreConfig } from '../../config/storeConfig.js';
import { InvalidInputError } from '../../errors.js';
import { type Clock, systemClock } from '../../ports.js';
import { archiveRecords } from '../../segments/archiveRecords.js';
import { SnapshotStore } from '../../snapshots/snapshotStore.js';
import type { FullStore } from '../../store/store.js';
import { DirectoryBlobStore } from './directoryBlobStore.js';
import { DirectoryChangeLog } from './directoryChangeLog.js';
import { DirectoryCheckpointStore } from './directoryCheckpointStore.js';
import { DirectoryEventTrail } from './directoryEventTrail.js';

export interface DirectoryOpenOptions {
  /** What a relative `dir` is resolved against. @default the working directory */
  readonly cwd?: string;
  /** The directory must already exist (read commands): a missing one is an input error. @default false */
  readonly mustExist?: boolean;
  /** @default the system clock */
  readonly clock?: Clock;
}

/**
 * A store in a directory (layout: `storeLayout`), with the same parts as the AWS store. One machine
 * writes it, so its clock is the only one: nothing to agree with.
 */
export function openDirectoryStore(
  config: DirectoryStoreConfig,
  options: DirectoryOpenOptions = {},
): FullStore {
  const dir = resolve(options.cwd ?? '', config.dir);
  const exists = existsSync(dir);
  if (exists && !statSync(dir).isDirectory())
    throw new InvalidInputError(`store ${dir} is a file, not a directory`);
  if (options.mustExist === true && !exists)
    throw new InvalidInputError(`store ${dir} does not exist (take a backup into it first)`);
  const clock = options.clock ?? systemClock;
  const blobs = new DirectoryBlobStore(dir);
  return {
    label: `directory ${config.dir}`,
    blobs,
    snapshots: new SnapshotStore(blobs),
    changeLog: new DirectoryChangeLog(dir),
    checkpoints: new DirectoryCheckpointStore(dir),
    trail: new DirectoryEventTrail(dir),
    localDir: dir,
    clock,
    archive: (poolId, records) => archiveRecords(blobs, poolId, records, clock),
    close: () => {},
  };
}
