import { monotonicFactory } from 'ulid';
import type { Clock } from '../ports.js';
import { type ReconcileRun, type StoredReconcileState, updateReconcileState } from './reconcileCheckpoint.js';
import type { ReconcileDeps, ReconcilePoolOptions } from './reconcilePool.js';
import { dropChunks } from './seenChunks.js';

const MAX_RUN_AGE_MS = 48 * 3_600_000;

export function tooOld(run: ReconcileRun, clock: Clock, options: ReconcilePoolOptions): boolean {
  return clock.now().getTime() - Date.parse(run.startedAt) > (options.maxRunAgeMs ?? MAX_RUN_AGE_MS);
}

/** Closes a run that never finished: `lastRun` says so, and the next run starts from the first page. */
export async function abandonRun(
  deps: ReconcileDeps,
  poolId: string,
  stored: StoredReconcileState,
): Promise<StoredReconcileState> {
  const run = stored.state.run;
  if (run === undefined) return stored;
  const finishedAt = deps.clock.now().toISOString();
  await dropChunks(deps.checkpoints, poolId, run);
  return updateReconcileState(deps.checkpoints, poolId, stored, ({ run: _old, ...rest }) => ({
    ...rest,
    lastRun: { runId: run.runId, startedAt: run.startedAt, finishedAt, counts: run.counts, abandoned: true },
  }));
}

const STALE_SAMPLES = 20;
const nextRunId = monotonicFactory();

/** The run's samples of stale reads, with more: the first few only. */
export function withStaleSamples(samples: readonly string[], more: readonly string[]): string[] {
  return [...samples, ...more].slice(0, STALE_SAMPLES);
}

export function newRun(clock: Clock): ReconcileRun {
  const now = clock.now();
  return {
    runId: nextRunId(now.getTime()),
    startedAt: now.toISOString(),
    phase: 'settings',
    pages: 0,
    chunks: 0,
    notCaptured: [],
    invocations: 1,
    counts: { drift: 0, baselines: 0, deletes: 0, stale: 0 },
    staleSamples: [],
  };
}
