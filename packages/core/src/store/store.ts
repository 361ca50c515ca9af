import type { ChangeRecord } from '../changes/changeRecord.js';
import type { BlobStore, ChangeLog, CheckpointStore, Clock, EventTrail } from '../ports.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';

/**
 * A store as everything uses it, whichever kind it is (a directory, the AWS bucket and table, the
 * bucket alone): the CLI's commands, the Lambda handlers and the local stack all get one from
 * `openStore` (`@cognito-rewind/core/adapters`).
 */
export interface Store {
  /** For messages: `directory .rewind/store`, `s3://bucket/prefix + table t`. */
  label: string;
  blobs: BlobStore;
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  /** Where long jobs (a reconcile) keep their place; the bucket alone has none (it is read-only). */
  checkpoints?: CheckpointStore;
  /** The audit trail of captured events; the bucket alone has none (the trail lives in the table). */
  trail?: EventTrail;
  /**
   * Where what stays on this machine lives (a restore's journal): the store directory itself, or
   * `LOCAL_STATE_FOLDER` under the working directory beside the AWS store.
   */
  localDir: string;
  /**
   * The change log takes no appends (the bucket alone): a command that writes history holds it and
   * archives it to the bucket.
   */
  readOnlyLog?: boolean;
  /**
   * What every time written to this store is dated by. The AWS store is shared by machines whose
   * clocks disagree: its clock is the services' time (`ServiceClock`). A directory store has only
   * this machine's.
   */
  clock: Clock;
  /** Archives records just appended to a delta segment (dated by `clock`), so the bucket alone stays complete. */
  archive(poolId: string, records: readonly ChangeRecord[]): Promise<string | undefined>;
  /** Releases the clients' sockets (tests, CLI runs; a Lambda container never needs it). */
  close(): void;
}

/** A store with a place for checkpoints and an event trail: a directory, or the bucket with its table. */
export type FullStore = Store & { checkpoints: CheckpointStore; trail: EventTrail };
