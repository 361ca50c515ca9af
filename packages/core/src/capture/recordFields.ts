import type { RecordPath } from './eventCatalogue.js';
import type { CloudTrailRecord } from './eventSchema.js';

/** What Cognito writes in place of a secret or personal value (the docs also spell it the second way). */
export const MASKED_VALUES: readonly string[] = [
  'HIDDEN_DUE_TO_SECURITY_REASONS',
  'HIDDEN_FOR_SECURITY_REASONS',
];

const isMasked = (value: string): boolean => MASKED_VALUES.includes(value);

/**
 * The value at a dotted path of the record. Hosted-UI form parameters arrive as one-element arrays
 * (`"sub": ["704b…"]`); such an array reads as its element.
 */
export function valueAt(record: CloudTrailRecord, path: RecordPath): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/** `absent`: the field is not there at all (as opposed to masked or malformed). */
export type IdLookup = { id: string } | { missing: string; absent?: true };

/** An id logged in clear at `path`, or why there is none (absent, masked, not a string). */
export function idAt(record: CloudTrailRecord, path: RecordPath, accept?: RegExp): IdLookup {
  const value = valueAt(record, path);
  if (value === undefined || value === null || value === '')
    return { missing: `${path} is absent`, absent: true };
  if (typeof value !== 'string') return { missing: `${path} is not a string` };
  if (isMasked(value)) return { missing: `${path} is masked` };
  if (accept !== undefined && !accept.test(value))
    return { missing: `${path} is not a valid id: ${JSON.stringify(value)}` };
  return { id: value };
}

/** The first id found at any of `paths`; when none, every path's reason, so a log says where it looked. */
export function firstIdAt(record: CloudTrailRecord, paths: readonly RecordPath[], accept?: RegExp): IdLookup {
  const reasons: string[] = [];
  for (const path of paths) {
    const found = idAt(record, path, accept);
    if ('id' in found) return found;
    reasons.push(found.missing);
  }
  return { missing: reasons.join('; ') };
}
