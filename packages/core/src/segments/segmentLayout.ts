import { decodeTime } from 'ulid';
import { InvalidInputError } from '../errors.js';
import { deltasPrefix } from '../layout/storeLayout.js';

/**
 * How delta segments are named under their pool's prefix (`storeLayout`):
 * `cognito-backup/<poolId>/deltas/YYYY/MM/DD/HH/<segmentId>.ndjson.gz`. The segment id is a ULID of
 * the moment it was archived and the folders are that moment's UTC hour, so a listing is in archive
 * order and a key alone says when its records had been appended by.
 */
export const SEGMENT_SUFFIX = '.ndjson.gz';
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const two = (n: number) => String(n).padStart(2, '0');

export function segmentKey(poolId: string, segmentId: string): string {
  if (!ULID.test(segmentId)) throw new InvalidInputError(`segment id ${segmentId} is not a ULID`);
  const time = new Date(decodeTime(segmentId));
  const hour = `${time.getUTCFullYear()}/${two(time.getUTCMonth() + 1)}/${two(time.getUTCDate())}/${two(time.getUTCHours())}`;
  return `${deltasPrefix(poolId)}${hour}/${segmentId}${SEGMENT_SUFFIX}`;
}

/** When the segment at `key` was archived (ms), or undefined for keys outside the layout. */
export function segmentTime(key: string): number | undefined {
  if (!key.endsWith(SEGMENT_SUFFIX)) return undefined;
  const id = key.slice(key.lastIndexOf('/') + 1, -SEGMENT_SUFFIX.length);
  return ULID.test(id) ? decodeTime(id) : undefined;
}
