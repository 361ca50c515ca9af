import { InvalidInputError } from '@cognito-rewind/core';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * The longest delay Node's timers take: `setInterval` and `setTimeout` treat anything longer as 1 ms,
 * so a longer period would run its job a thousand times a second.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `500ms`, `60s`, `5m`, `24h` → milliseconds; `flag` names the option in the error. */
export function parseDuration(value: string, flag: string): number {
  const ms = durationMs(value);
  if (!Number.isFinite(ms) || ms < 100)
    throw new InvalidInputError(
      `${flag} ${JSON.stringify(value)} is not a duration of 100ms or more (e.g. 60s, 5m, 1h)`,
    );
  return withinTimer(ms, value, flag);
}

/**
 * A delay, where none is a sensible choice: `0` (or `0s`), or a duration as `parseDuration` takes it
 * (`500ms`, `5m`). A period must not be 0 (its job would run without pause); a delay may.
 */
export function parseDelay(value: string, flag: string): number {
  const ms = value.trim() === '0' ? 0 : durationMs(value);
  if (!Number.isFinite(ms))
    throw new InvalidInputError(
      `${flag} ${JSON.stringify(value)} is not a duration (0 for none, or e.g. 500ms, 30s, 5m)`,
    );
  return withinTimer(ms, value, flag);
}

function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  return match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
}

function withinTimer(ms: number, value: string, flag: string): number {
  if (Math.round(ms) > MAX_TIMER_MS)
    throw new InvalidInputError(
      `${flag} ${JSON.stringify(value)} is too long: at most ${MAX_TIMER_MS}ms (about 596h, 24.8 days), the longest period a timer can wait`,
    );
  return Math.round(ms);
}
