import { ulid } from 'ulid';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { InvalidInputError } from '../errors.js';
import type { BlobStore, Clock } from '../ports.js';
import { encodeSegment, SEGMENT_FORMAT } from './segmentCodec.js';
import { segmentKey } from './segmentLayout.js';

/**
 * Archives change records to one delta segment, so the bucket alone holds the whole history (it is
 * what gets replicated to another region). Run after the records are in the log: a segment may repeat
 * a record another segment holds (an archiver retried) — readers count a record id once. Returns the
 * segment's key, or undefined when there was nothing to archive.
 */
export async function archiveRecords(
  blobs: BlobStore,
  poolId: string,
  records: readonly ChangeRecord[],
  clock: Clock,
): Promise<string | undefined> {
  if (records.length === 0) return undefined;
  const stranger = records.find((record) => record.poolId !== poolId);
  if (stranger !== undefined)
    throw new InvalidInputError(`change record ${stranger.id} belongs to ${stranger.poolId}, not ${poolId}`);
  const now = clock.now();
  // Not a monotonic factory: that would stamp an id with an earlier call's time, and the key's time
  // must be this archive's.
  const segmentId = ulid(now.getTime());
  const key = segmentKey(poolId, segmentId);
  const header = {
    format: SEGMENT_FORMAT,
    poolId,
    segmentId,
    createdAt: now.toISOString(),
    records: records.length,
  };
  await blobs.put(key, encodeSegment(header, records), { contentType: 'application/gzip' });
  return key;
}
