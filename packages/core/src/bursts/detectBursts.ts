import { compareKeys, type EntityKey } from '../model/entityKey.js';
import type { TrailEntry } from '../trail/trailEntry.js';
import { callerKeyOf } from '../trail/trailSchema.js';
import { type BurstThreshold, windowMs } from './burstThreshold.js';
import { isDestructive } from './destructiveEvents.js';
import { type UndoCommands, undoCommands } from './undoCommands.js';

/** Many destructive calls by one caller on one pool in a short time: what an incident looks like. */
export interface Burst {
  poolId: string;
  /** The caller's ARN (or principal id), as the trail indexes callers. */
  caller: string;
  /** The eventTime of the burst's first and last destructive call (canonical). */
  start: string;
  end: string;
  /** Destructive calls in the burst. */
  total: number;
  /** Destructive calls by event name. */
  counts: Record<string, number>;
  /** Every entity the burst's calls touched (sorted, unique). */
  entities: EntityKey[];
  undo: UndoCommands;
}

interface Call {
  time: number;
  eventName: string;
  entities: readonly EntityKey[];
}

/** Whether an entry is a destructive call that did something: a refused call changed nothing. */
export const countsTowardsBurst = (entry: TrailEntry): boolean =>
  isDestructive(entry.eventName) && entry.errorCode === undefined && entry.outcome !== 'failed';

/**
 * Burst detection over trail entries, fed in any order (a query's pages, a capture batch). A burst
 * is a maximal run of one caller's destructive calls on one pool in which every call lies in some
 * window of `threshold.minutes` holding at least `threshold.count` of them: a sliding window, so a
 * burst that straddles a clock minute is one burst, and one that goes on for an hour is still one.
 */
export class BurstDetector {
  private readonly calls = new Map<string, { poolId: string; caller: string; calls: Call[] }>();

  constructor(private readonly threshold: BurstThreshold) {}

  add(entry: TrailEntry): void {
    if (!countsTowardsBurst(entry)) return;
    const caller = callerKeyOf(entry);
    const key = JSON.stringify([entry.poolId, caller]);
    let group = this.calls.get(key);
    if (group === undefined) {
      group = { poolId: entry.poolId, caller, calls: [] };
      this.calls.set(key, group);
    }
    group.calls.push({
      time: Date.parse(entry.eventTime),
      eventName: entry.eventName,
      entities: entry.entities,
    });
  }

  /** The bursts found so far, by start time (then pool and caller). */
  bursts(): Burst[] {
    const found: Burst[] = [];
    for (const { poolId, caller, calls } of this.calls.values())
      for (const run of burstRuns(calls, this.threshold)) found.push(burstOf(poolId, caller, run));
    return found.sort(
      (a, b) =>
        a.start.localeCompare(b.start) ||
        a.poolId.localeCompare(b.poolId) ||
        a.caller.localeCompare(b.caller),
    );
  }
}

/** One caller's calls, split into the runs that make bursts (two pointers over the sorted times). */
function burstRuns(calls: Call[], threshold: BurstThreshold): Call[][] {
  const sorted = [...calls].sort((a, b) => a.time - b.time);
  const width = windowMs(threshold);
  const inBurst = new Array<boolean>(sorted.length).fill(false);
  let last = 0;
  for (let first = 0; first < sorted.length; first += 1) {
    if (last < first) last = first;
    const from = (sorted[first] as Call).time;
    while (last + 1 < sorted.length && (sorted[last + 1] as Call).time - from < width) last += 1;
    if (last - first + 1 >= threshold.count) inBurst.fill(true, first, last + 1);
  }
  const runs: Call[][] = [];
  let current: Call[] = [];
  sorted.forEach((call, i) => {
    if (inBurst[i]) current.push(call);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

function burstOf(poolId: string, caller: string, run: Call[]): Burst {
  const counts: Record<string, number> = {};
  const entities = new Set<EntityKey>();
  for (const call of run) {
    counts[call.eventName] = (counts[call.eventName] ?? 0) + 1;
    for (const entity of call.entities) entities.add(entity);
  }
  const start = new Date((run[0] as Call).time).toISOString();
  const sortedEntities = [...entities].sort(compareKeys);
  return {
    poolId,
    caller,
    start,
    end: new Date((run[run.length - 1] as Call).time).toISOString(),
    total: run.length,
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    entities: sortedEntities,
    undo: undoCommands(poolId, start, sortedEntities),
  };
}

/** The bursts among `entries`. */
export function detectBursts(entries: Iterable<TrailEntry>, threshold: BurstThreshold): Burst[] {
  const detector = new BurstDetector(threshold);
  for (const entry of entries) detector.add(entry);
  return detector.bursts();
}
