import { InvalidInputError } from '../errors.js';
import { BACKUP_ROOT, snapshotsPrefix } from '../layout/storeLayout.js';

/**
 * How snapshots are named under their pool's prefix (`storeLayout`):
 * `cognito-backup/<poolId>/snapshots/YYYY/MM/DD/HHmmss-<snapshotId>.ndjson.gz`, with the manifest
 * beside it as `…/HHmmss-<snapshotId>.manifest.json`. Dates are UTC, taken from the snapshot's `at`,
 * so a listing of the prefix is already in time order.
 */
export const SNAPSHOT_SUFFIX = '.ndjson.gz';
export const MANIFEST_SUFFIX = '.manifest.json';

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY/MM/DD` of a time (ms), UTC: the folder of that day's snapshots. */
export const dayFolder = (ms: number): string => {
  const time = new Date(ms);
  return `${time.getUTCFullYear()}/${two(time.getUTCMonth() + 1)}/${two(time.getUTCDate())}`;
};

export function snapshotObjectKey(poolId: string, at: string, snapshotId: string): string {
  if (!ULID.test(snapshotId)) throw new InvalidInputError(`snapshot id ${snapshotId} is not a ULID`);
  const time = new Date(at);
  if (Number.isNaN(time.getTime()))
    throw new InvalidInputError(`snapshot time ${at} is not an ISO-8601 time`);
  const day = dayFolder(time.getTime());
  const hms = `${two(time.getUTCHours())}${two(time.getUTCMinutes())}${two(time.getUTCSeconds())}`;
  return `${snapshotsPrefix(poolId)}${day}/${hms}-${snapshotId}${SNAPSHOT_SUFFIX}`;
}

/** The manifest key for a snapshot object key. */
export const manifestKeyOf = (objectKey: string): string =>
  `${objectKey.slice(0, -SNAPSHOT_SUFFIX.length)}${MANIFEST_SUFFIX}`;

/** The snapshot object key a manifest key sits beside. */
export const objectKeyOf = (manifestKey: string): string =>
  `${manifestKey.slice(0, -MANIFEST_SUFFIX.length)}${SNAPSHOT_SUFFIX}`;

/** The pool a manifest key belongs to, or undefined for keys outside the snapshot layout. */
export function poolOfManifestKey(key: string): string | undefined {
  const [root, poolId, folder] = key.split('/');
  if (root !== BACKUP_ROOT || folder !== 'snapshots' || !key.endsWith(MANIFEST_SUFFIX)) return undefined;
  return poolId === '' ? undefined : poolId;
}

const KEY_TIME = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})(\d{2})(\d{2})-[^/]+$/;

/** The time (ms, to the second) a snapshot or manifest key was named for; NaN outside the layout. */
export function keyTime(key: string): number {
  const match = KEY_TIME.exec(key);
  if (match === null) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
}
