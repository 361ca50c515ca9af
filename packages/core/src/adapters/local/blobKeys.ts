import { InvalidInputError } from '../../errors.js';

/**
 * Unfinished writes live beside their target as `.rewind-tmp-<random>`, so a crash leaves at worst a
 * temp file that `list` skips. Keys may not use that prefix for any segment, which keeps the two apart.
 */
export const TEMP_PREFIX = '.rewind-tmp-';

export const isTempName = (name: string): boolean => name.startsWith(TEMP_PREFIX);

/** Most filesystems cap one path segment at 255 bytes. */
const MAX_SEGMENT_BYTES = 255;

/**
 * A blob key becomes a relative path under the store's root, so anything that could step outside it or
 * that a directory cannot hold is refused: absolute paths, `.`/`..` and empty segments, NUL, backslash.
 * Returns the key's segments.
 */
export function blobKeySegments(key: string): string[] {
  const bad = (why: string) => new InvalidInputError(`blob key ${JSON.stringify(key)} ${why}`);
  if (key === '') throw bad('is empty');
  if (key.startsWith('/')) throw bad('is absolute; keys are relative paths');
  if (key.includes('\u0000')) throw bad('contains a NUL character');
  if (key.includes('\\')) throw bad('contains a backslash; use / to separate segments');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw bad('has an empty segment');
    if (segment === '.' || segment === '..') throw bad(`has a "${segment}" segment`);
    if (isTempName(segment)) throw bad(`has a segment starting with the reserved ${TEMP_PREFIX}`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)
      throw bad(`has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return segments;
}
