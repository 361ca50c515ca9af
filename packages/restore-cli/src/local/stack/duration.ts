import { InvalidInputError } from '@cognito-rewind/core';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `500ms`, `60s`, `5m`, `24h` → milliseconds; `flag` names the option in the error. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
  if (!Number.isFinite(ms) || ms < 100)
    throw new InvalidInputError(
      `${flag} ${JSON.stringify(value)} is not a duration of 100ms or more (e.g. 60s, 5m, 1h)`,
    );
  return Math.round(ms);
}
