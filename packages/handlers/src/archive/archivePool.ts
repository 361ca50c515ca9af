import {
  archiveRecords,
  type BlobStore,
  type ChangeLog,
  type ChangeRecord,
  type CheckpointStore,
  type Clock,
  InvalidInputError,
  LOG_ORIGIN,
  type LogPosition,
} from '@cognito-rewind/core';

export interface ArchivePoolDeps {
  changeLog: ChangeLog;
  blobs: BlobStore;
  checkpoints: CheckpointStore;
  clock: Clock;
  /** Records per delta segment at most. @default 10000 */
  segmentRecords?: number;
}

/** What the archive run did for one pool (failures: `PoolFailure`). */
export interface PoolArchive {
  poolId: string;
  outcome: 'archived';
  /** Keys of the delta segments written, none when nothing was appended since the last run. */
  segments: string[];
  /** Records written, repeats of an earlier run included. */
  records: number;
  /** Where the next run starts (`ChangeLog.position`, taken before this run read). */
  position: LogPosition;
}

export const SEGMENT_RECORDS = 10_000;

/** The checkpoint of one pool's archive: `{ position }`. */
export const archiveCheckpointName = (poolId: string): string => `archive/${poolId}`;

/**
 * Copies what the pool's change log gained since the last run to delta segments in the bucket, so the
 * bucket alone holds the whole history. The position is taken before the read and stored only after
 * every segment is written: a run that dies in between leaves the old checkpoint, and the next run
 * writes those records again in a new segment — readers count a record id once, so a repeat costs
 * bytes and loses nothing. The checkpoint put names the revision read, so of two overlapping runs only
 * one moves it (the other fails with `CheckpointConflictError`).
 */
export async function archivePool(deps: ArchivePoolDeps, poolId: string): Promise<PoolArchive> {
  const name = archiveCheckpointName(poolId);
  const checkpoint = await deps.checkpoints.get(name);
  const since = positionOf(name, checkpoint?.value.position);
  const position = await deps.changeLog.position(poolId);
  const limit = deps.segmentRecords ?? SEGMENT_RECORDS;
  const segments: string[] = [];
  let records = 0;
  let batch: ChangeRecord[] = [];
  const flush = async () => {
    const key = await archiveRecords(deps.blobs, poolId, batch, deps.clock);
    if (key !== undefined) segments.push(key);
    records += batch.length;
    batch = [];
  };
  for await (const record of deps.changeLog.appendedSince(poolId, since)) {
    batch.push(record);
    if (batch.length >= limit) await flush();
  }
  await flush();
  await deps.checkpoints.put(name, { position }, checkpoint?.revision);
  return { poolId, outcome: 'archived', segments, records, position };
}

function positionOf(name: string, stored: unknown): LogPosition {
  if (stored === undefined) return LOG_ORIGIN;
  if (typeof stored !== 'string')
    throw new InvalidInputError(`checkpoint ${name} holds no position string; fix or delete it`);
  return stored;
}
