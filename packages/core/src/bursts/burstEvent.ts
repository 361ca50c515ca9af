import type { BurstThreshold } from './burstThreshold.js';
import type { Burst } from './detectBursts.js';

/** The EventBridge `source` and `detail-type` of a burst alarm (what the infrastructure's rule matches). */
export const BURST_EVENT_SOURCE = 'cognito-rewind';
export const BURST_DETAIL_TYPE = 'Cognito Rewind burst';

/** What a burst alarm says. It names no user or group (an alarm goes to mail and chat): the commands do. */
export interface BurstEventDetail {
  poolId: string;
  caller: string;
  window: { start: string; end: string };
  threshold: BurstThreshold;
  total: number;
  counts: Record<string, number>;
  /** How many entities the burst touched; `audit summary` names them. */
  entities: number;
  /** The pool as it was one second before the burst, and its dry run. */
  restore: { at: string; command: string; dryRun: string };
  /** The burst with every entity and the caller-only restore command. */
  summary: string;
}

export function burstEventDetail(burst: Burst, threshold: BurstThreshold): BurstEventDetail {
  return {
    poolId: burst.poolId,
    caller: burst.caller,
    window: { start: burst.start, end: burst.end },
    threshold,
    total: burst.total,
    counts: burst.counts,
    entities: burst.entities.length,
    restore: { at: burst.undo.at, ...burst.undo.wholeWindow },
    summary: `restore-cli audit summary --pool ${burst.poolId} --since ${burst.start} --until ${burst.end} --burst-count ${threshold.count} --burst-minutes ${threshold.minutes}`,
  };
}
