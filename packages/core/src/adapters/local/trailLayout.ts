import { createHash } from 'node:crypto';
import path from 'node:path';
import { trailFolder } from '../../layout/storeLayout.js';
import type { TrailIndexChoice } from '../../trail/trailQuery.js';
import { checkTrailPoolId } from '../../trail/trailSchema.js';

/**
 * Where the directory trail keeps one pool's files (see `docs/store-layout.md`):
 *
 *   trail/<poolId>/
 *     entries/<name(eventId)>.json              the entry without its personal data; created once, by link
 *     personal/<name(eventId)>.json             its sourceIp / userAgent, deleted when forgotten
 *     by-time/<YYYY-MM-DD>.idx                  one line `["<eventTime>","<eventId>"]` per entry, by day
 *     by-caller/<name(caller key)>/<day>.idx    the same lines, one folder per caller
 *     by-event/<name(eventName)>/<day>.idx      one folder per event name
 *     by-entity/<name(entity)>.idx              one file per entity (an entity has few events: no days)
 *     with-personal/<day>.idx                   entries that have personal data: what forgetting walks
 *     trail.lock                                held while a writer records or forgets
 *
 * Day files keep a bounded query from reading more than the days it covers, and a caller's or event
 * name's index from growing into one file re-read for every page.
 */
export interface PoolTrailPaths {
  dir: string;
  entries: string;
  personal: string;
  lock: string;
  withPersonal: DayIndex;
}

/** An index of one value: day files in a folder, or a single file. */
export interface DayIndex {
  days: string;
}
export type IndexLocation = DayIndex | { file: string };

export function poolTrailPaths(root: string, poolId: string): PoolTrailPaths {
  checkTrailPoolId(poolId);
  const dir = path.join(root, trailFolder(poolId));
  return {
    dir,
    entries: path.join(dir, 'entries'),
    personal: path.join(dir, 'personal'),
    lock: path.join(dir, 'trail.lock'),
    withPersonal: { days: path.join(dir, 'with-personal') },
  };
}

export function indexLocation(paths: PoolTrailPaths, index: TrailIndexChoice): IndexLocation {
  switch (index.by) {
    case 'time':
      return { days: path.join(paths.dir, 'by-time') };
    case 'caller':
      return { days: path.join(paths.dir, 'by-caller', fileNameOf(index.value)) };
    case 'eventName':
      return { days: path.join(paths.dir, 'by-event', fileNameOf(index.value)) };
    case 'entity':
      return { file: path.join(paths.dir, 'by-entity', `${fileNameOf(index.value)}.idx`) };
  }
}

/** The UTC day of a canonical time: the name of its day file. */
export const dayOf = (time: string): string => time.slice(0, 10);

export const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.idx$/;

/** The file an entry's line goes to in an index. */
export const indexFileFor = (location: IndexLocation, eventTime: string): string =>
  'file' in location ? location.file : path.join(location.days, `${dayOf(eventTime)}.idx`);

export const entryFile = (paths: PoolTrailPaths, eventId: string): string =>
  path.join(paths.entries, `${fileNameOf(eventId)}.json`);

export const personalFile = (paths: PoolTrailPaths, eventId: string): string =>
  path.join(paths.personal, `${fileNameOf(eventId)}.json`);

/** Names longer than this are shortened with a hash; 255 bytes is the usual limit of one name. */
const MAX_NAME = 120;
const KEPT = /^[a-z0-9_-]$/;

/**
 * Any string as one file name, one way only, on any filesystem: every byte but lowercase letters, digits,
 * `_` and `-` is written `%XX`. So `/`, `.`, `..` and NUL cannot step outside the folder, names never
 * start with the temp prefix, and names differ even where the filesystem folds case (macOS, Windows) or
 * normalises Unicode (HFS+). A name too long is cut and completed with the value's SHA-256 (`~` marks it,
 * never written otherwise); whatever a name holds, readers check the value stored inside against it.
 */
export function fileNameOf(value: string): string {
  let name = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    name += KEPT.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name.length <= MAX_NAME) return name;
  return `${name.slice(0, 48)}~${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}
