import type { CheckpointStore, EventTrail } from '../ports.js';
import type { TrailEntry } from '../trail/trailEntry.js';
import { callerKeyOf } from '../trail/trailSchema.js';
import { claimBurst } from './burstClaim.js';
import { type BurstThreshold, windowMs } from './burstThreshold.js';
import { type Burst, countsTowardsBurst, detectBursts } from './detectBursts.js';

export interface BurstWatchDeps {
  /** The trail the entries were recorded in: it holds the calls of earlier batches and other invocations. */
  trail: EventTrail;
  checkpoints: CheckpointStore;
  threshold: BurstThreshold;
  /** Puts the alarm out (an EventBridge event, a line and a file locally). */
  announce: (burst: Burst) => Promise<void>;
}

const PAGE = 1000;

/**
 * After a batch of events is captured (their trail entries recorded): for each pool and caller that
 * made a destructive call in it, reads that caller's calls around the batch from the trail (the caller
 * index, a window either side) and announces each burst found that no invocation announced yet. The
 * trail is where concurrent invocations' calls meet, and the claim (`claimBurst`) where they agree.
 * Returns the bursts announced.
 */
export async function watchBursts(deps: BurstWatchDeps, entries: readonly TrailEntry[]): Promise<Burst[]> {
  const width = windowMs(deps.threshold);
  const spans = new Map<string, { poolId: string; caller: string; from: number; to: number }>();
  for (const entry of entries.filter(countsTowardsBurst)) {
    const caller = callerKeyOf(entry);
    const key = JSON.stringify([entry.poolId, caller]);
    const time = Date.parse(entry.eventTime);
    const span = spans.get(key);
    if (span === undefined) spans.set(key, { poolId: entry.poolId, caller, from: time, to: time });
    else {
      span.from = Math.min(span.from, time);
      span.to = Math.max(span.to, time);
    }
  }
  const announced: Burst[] = [];
  for (const { poolId, caller, from, to } of spans.values()) {
    const calls = await callerCalls(deps.trail, poolId, caller, from - width, to + width);
    for (const burst of detectBursts(calls, deps.threshold)) {
      const claim = await claimBurst(deps.checkpoints, burst, width);
      if (!claim.announce) continue;
      try {
        await deps.announce(burst);
      } catch (error) {
        await claim.release();
        throw error;
      }
      announced.push(burst);
    }
  }
  return announced;
}

async function callerCalls(
  trail: EventTrail,
  poolId: string,
  caller: string,
  from: number,
  to: number,
): Promise<TrailEntry[]> {
  const entries: TrailEntry[] = [];
  const range = {
    caller,
    since: new Date(from).toISOString(),
    until: new Date(to).toISOString(),
    limit: PAGE,
  };
  let cursor: string | undefined;
  do {
    const page = await trail.query(poolId, cursor === undefined ? range : { ...range, cursor });
    entries.push(...page.entries.filter(countsTowardsBurst));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return entries;
}
