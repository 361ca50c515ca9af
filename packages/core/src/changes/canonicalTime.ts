import { InvalidInputError } from '../errors.js';

/**
 * The one format of every stored time: `YYYY-MM-DDTHH:mm:ss.sssZ`, what `Date#toISOString` writes for
 * years 0000–9999. Fixed width, UTC, milliseconds always present — so string order is time order, and
 * DynamoDB sort keys, S3 keys and index comparisons can treat times as plain strings.
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const isCanonicalTime = (value: string): boolean =>
  CANONICAL.test(value) && new Date(value).toISOString() === value;

/** Any ISO-8601 time with a zone, in the canonical format; `InvalidInputError` if it does not parse. */
export function canonicalTime(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidInputError(`${JSON.stringify(value)} is not an ISO-8601 time`);
  return new Date(time).toISOString();
}

/** Milliseconds since the epoch of any ISO-8601 time with a zone; `InvalidInputError` if it does not parse. */
export function parseInstant(at: string): number {
  const time = Date.parse(at);
  if (Number.isNaN(time)) throw new InvalidInputError(`${JSON.stringify(at)} is not an ISO-8601 time`);
  return time;
}
