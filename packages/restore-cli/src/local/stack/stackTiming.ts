import type { ScheduleOptions } from './stackSchedule.js';

const DEFAULTS: ScheduleOptions = {
  snapshotEveryMs: 60_000,
  archiveEveryMs: 60_000,
  reconcileEveryMs: 24 * 3_600_000,
  pollEveryMs: 2_000,
};

/** The jobs' intervals: the ones given, the defaults for the rest (an option set to undefined included). */
export function stackTiming(options: Partial<ScheduleOptions>): ScheduleOptions {
  return { ...DEFAULTS, ...definedOf(options) };
}

function definedOf(options: Partial<ScheduleOptions>): Partial<ScheduleOptions> {
  const out: Partial<ScheduleOptions> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof ScheduleOptions)[])
    if (options[key] !== undefined) out[key] = options[key];
  return out;
}
