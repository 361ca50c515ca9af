import { InvalidInputError } from '@cognito-rewind/core';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * `--at` in the commands' help: every form the README documents (a spec holds the two together).
 */
export const AT_HELP =
  'now, a date (2024-06-01, midnight UTC), or a date-time with a zone, with or without seconds: 2024-06-01T10:00Z, 2024-06-01T12:00+02:00, 2024-06-01T12:00:30.250-05:00 (a time without a zone is refused)';

/**
 * Parses `--at`: `now`, a date (`2024-06-01`, midnight UTC) or a date-time with a zone
 * (`2024-06-01T10:00Z`, `2024-06-01T12:00:00.250+02:00`). A time without a zone is refused rather
 * than guessed, because the answer to "state at 10:00" depends on whose 10:00.
 */
export function parseAt(value: string, now: Date): string {
  const text = value.trim();
  if (text.toLowerCase() === 'now') return now.toISOString();
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i.test(text))
    throw new InvalidInputError(`--at ${value} has no time zone: add Z for UTC or an offset like +02:00`);
  const millis = ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(millis))
    throw new InvalidInputError(
      `--at ${JSON.stringify(value)} is not an ISO-8601 time (try 2024-06-01T10:00Z, 2024-06-01 or now)`,
    );
  // Date.parse rolls 2024-02-30 over to March; refuse dates that do not exist.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day)
    throw new InvalidInputError(`--at ${value} is not a real calendar date`);
  return new Date(millis).toISOString();
}
