import { InvalidInputError } from '../errors.js';

/** How many destructive calls by one caller in how many minutes make a burst. */
export interface BurstThreshold {
  count: number;
  minutes: number;
}

/** 50 destructive calls by one caller within 5 minutes: far above an administrator's hand. */
export const DEFAULT_BURST_THRESHOLD: BurstThreshold = { count: 50, minutes: 5 };

const LIMITS = { count: { min: 2, max: 1_000_000 }, minutes: { min: 1, max: 24 * 60 } } as const;

/**
 * A threshold from its two settings (strings from flags or the environment, numbers from code);
 * undefined takes the default. Each must be a whole number in range, else `InvalidInputError` naming
 * `where` (the flag or variable) it came from.
 */
export function burstThreshold(
  given: { count?: string | number; minutes?: string | number },
  where: { count: string; minutes: string } = { count: 'count', minutes: 'minutes' },
): BurstThreshold {
  const read = (name: 'count' | 'minutes'): number => {
    const value = given[name];
    if (value === undefined) return DEFAULT_BURST_THRESHOLD[name];
    const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    const { min, max } = LIMITS[name];
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidInputError(
        `${where[name]} ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`,
      );
    return n;
  };
  return { count: read('count'), minutes: read('minutes') };
}

/** The window length in milliseconds. */
export const windowMs = (threshold: BurstThreshold): number => threshold.minutes * 60_000;
