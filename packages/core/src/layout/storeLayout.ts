import { InvalidInputError } from '../errors.js';

/**
 * Every key and path of a store, in one place (`docs/store-layout.md` describes them). In S3 the keys
 * sit in the bucket, under its prefix when one is given; in a directory store they are paths under the
 * store directory (`/`-separated here, joined by the directory adapters). How the names under these
 * folders are made (dates, ULIDs, suffixes) belongs to the module that writes them: `snapshotLayout`,
 * `segmentLayout`, the directory trail's `trailLayout`.
 *
 *   cognito-backup/<poolId>/snapshots/…        snapshots and their manifests
 *   cognito-backup/<poolId>/deltas/…           delta segments
 *   cognito-backup/<poolId>/changes/large/…    (AWS) change records too large for a DynamoDB item
 *   cognito-backup/<poolId>/changes/journal.*  (directory) the change log
 *   cognito-backup/<poolId>/restores/…         (directory, or `.rewind/` beside the AWS store) restore journals
 *   trail/<poolId>/…                           (directory) the event trail
 *   checkpoints/<name>.json                    (directory) checkpoints
 */
export const BACKUP_ROOT = 'cognito-backup';

/**
 * Where a command run against the AWS store keeps what stays on the machine running it (a restore's
 * journal): this folder under its working directory.
 */
export const LOCAL_STATE_FOLDER = '.rewind';

/** A pool id names a folder: it must be one segment. */
export function assertPoolId(poolId: string): void {
  if (poolId === '' || poolId.includes('/'))
    throw new InvalidInputError(`pool id ${JSON.stringify(poolId)} cannot name a folder of the store`);
}

/** `cognito-backup/<poolId>/`: everything of one pool but its trail. */
export const poolPrefix = (poolId: string): string => {
  assertPoolId(poolId);
  return `${BACKUP_ROOT}/${poolId}/`;
};

export const snapshotsPrefix = (poolId: string): string => `${poolPrefix(poolId)}snapshots/`;

export const deltasPrefix = (poolId: string): string => `${poolPrefix(poolId)}deltas/`;

/** Where the AWS change log keeps a record too large for an item. */
export const largeRecordKey = (poolId: string, recordId: string): string =>
  `${poolPrefix(poolId)}changes/large/${recordId}.json`;

/** The files of one pool's change log in a directory store. */
export interface ChangeJournalPaths {
  readonly dir: string;
  /** Append-only, one record per line. */
  readonly journal: string;
  /** Exists only while a writer checks and appends. */
  readonly lock: string;
  /** Time marks: where the records valid after a time start. */
  readonly marks: string;
  /** How far the journal was checked for damage, and what was found. */
  readonly scan: string;
}

export function changeJournalPaths(poolId: string): ChangeJournalPaths {
  const dir = `${poolPrefix(poolId)}changes`;
  return {
    dir,
    journal: `${dir}/journal.log`,
    lock: `${dir}/journal.lock`,
    marks: `${dir}/journal.marks`,
    scan: `${dir}/journal.scan`,
  };
}

export const RESTORE_JOURNAL_SUFFIX = '.journal.ndjson';

/** The restore journals of restores whose source is this pool. */
export const restoresFolder = (poolId: string): string => `${poolPrefix(poolId)}restores`;

/** One restore's journal; `runKey` names the run (a hash of its arguments, so a re-run finds it). */
export const restoreJournalPath = (poolId: string, runKey: string): string =>
  `${restoresFolder(poolId)}/${runKey}${RESTORE_JOURNAL_SUFFIX}`;

export const isRestoreJournalName = (name: string): boolean => name.endsWith(RESTORE_JOURNAL_SUFFIX);

/** The directory event trail of one pool. */
export const trailFolder = (poolId: string): string => {
  assertPoolId(poolId);
  return `trail/${poolId}`;
};

export const CHECKPOINTS_FOLDER = 'checkpoints';

/** A checkpoint's file in a directory store (names may hold `/`: they are folders). */
export const checkpointPath = (name: string): string => `${CHECKPOINTS_FOLDER}/${name}.json`;
