import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  isPoolId,
  type ReconcileDeps,
  type ReconcileResult,
  readReconcileState,
  reconcileDue,
  reconcilePool,
  requestReconcile,
} from '@cognito-rewind/core';
import { countOutcomes, eachPool, type PoolFailure } from '../commons/eachPool.js';
import { HANDLER_METRICS } from '../commons/metricNames.js';
import { defaultLogger, defaultMetrics, publishCounts, publishPoolMetrics } from '../commons/powertools.js';
import { redactText } from '../commons/redact.js';

export interface ReconcileHandlerDeps extends ReconcileDeps {
  /** The pools to keep reconciled (in Lambda: `REWIND_POOL_IDS`). */
  pools: () => Promise<string[]>;
  /** How often each pool gets a full read, in ms. @default one day */
  every?: number;
  /** Time kept back from the Lambda timeout to write the last checkpoint and return. @default 60 s */
  reserveMs?: number;
  /**
   * Changes Cognito dates this recently are left to capture (their CloudTrail event may still be on
   * its way, ~5 minutes in AWS); older ones no event explained are drift. @default 15 minutes
   */
  graceMs?: number;
  logger?: Logger;
  metrics?: Metrics;
}

/** What one pool's turn did. */
export type PoolReconcile =
  | { poolId: string; outcome: 'notDue' }
  /** Due, but the invocation had no time left for it: the next scheduled one tries again. */
  | { poolId: string; outcome: 'deferred' }
  | ({ outcome: 'finished' | 'paused' | 'superseded' } & ReconcileResult);

export interface ReconcileRunResult {
  pools: (PoolReconcile | PoolFailure)[];
  /** Ids an on-demand invocation named that are not pool ids this function keeps (as JSON). */
  refused?: string[];
}

/** The part of the Lambda context the handler reads. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

export type ReconcileHandler = (event?: unknown, context?: RemainingTime) => Promise<ReconcileRunResult>;

/** Longer than CloudTrail's delivery (about 5 minutes, best effort): an event on its way records first. */
const DEFAULT_GRACE_MS = 15 * 60_000;

/**
 * An on-demand invocation (`aws lambda invoke`, the CLI) may name pools to reconcile now:
 * `{"reconcile": ["us-east-1_AbC123"], "reason": "after an import"}`. A scheduled event has neither.
 * Ids that are not pool ids, or not among the pools this function keeps, are reported, not stored.
 */
function askedFor(
  event: unknown,
  watched: readonly string[],
): { pools: string[]; refused: string[]; reason: string } {
  if (typeof event !== 'object' || event === null || !('reconcile' in event))
    return { pools: [], refused: [], reason: '' };
  const { reconcile, reason } = event as { reconcile?: unknown; reason?: unknown };
  const named: unknown[] = Array.isArray(reconcile) ? reconcile : [reconcile];
  const known = (id: unknown): id is string => isPoolId(id) && watched.includes(id);
  return {
    pools: named.filter(known),
    refused: named.filter((id) => !known(id)).map((id) => JSON.stringify(id) ?? String(id)),
    reason: typeof reason === 'string' && reason !== '' ? reason : 'asked for',
  };
}

const DAY = 24 * 3_600_000;

/**
 * A run's result as a log line: named fields, so a field added to the result later is not logged
 * unseen. The stale samples are entity keys (usernames): a count only.
 */
const loggable = (result: ReconcileResult) => ({
  poolId: result.poolId,
  runId: result.runId,
  startedAt: result.startedAt,
  done: result.done,
  resumed: result.resumed,
  pages: result.pages,
  counts: result.counts,
  staleSamples: result.staleSamples.length,
  ...(result.superseded === undefined ? {} : { superseded: redactText(result.superseded) }),
});

/**
 * Pools with no run under way first: a pool too large for one invocation then continues after the
 * others had their turn, instead of holding every pool after it back until it finishes.
 */
async function fairOrder(deps: ReconcileHandlerDeps, watched: readonly string[]): Promise<string[]> {
  const underWay = new Set<string>();
  for (const poolId of watched) {
    const stored = await readReconcileState(deps.checkpoints, poolId).catch(() => undefined);
    if (stored?.state.run !== undefined) underWay.add(poolId);
  }
  return [...watched.filter((id) => !underWay.has(id)), ...watched.filter((id) => underWay.has(id))];
}

/**
 * The reconcile Lambda, on a schedule of every few minutes: for each pool that is due (`reconcileDue`:
 * a run under way, a request from capture, or a day since the last), one `reconcilePool` until the
 * invocation is about to time out. A pool too large for one invocation pauses at its checkpoint and
 * the next scheduled invocation continues it — the rhythm lives in the checkpoint, not the scheduler.
 */
export function createReconcileHandler(deps: ReconcileHandlerDeps): ReconcileHandler {
  const logger = deps.logger ?? defaultLogger('reconcile');
  const metrics = deps.metrics ?? defaultMetrics('reconcile');
  const every = deps.every ?? DAY;
  const reserveMs = deps.reserveMs ?? 60_000;
  return async (event, context) => {
    const watched = await deps.pools();
    const asked = askedFor(event, watched);
    for (const poolId of asked.pools)
      await requestReconcile(deps.checkpoints, poolId, asked.reason, deps.clock);
    if (asked.refused.length > 0)
      // A count only: what was named may be anything, an email typed for a pool id included.
      logger.warn('asked to reconcile what is not a watched pool id; ignored', {
        refused: asked.refused.length,
      });
    const outOfTime = () => context !== undefined && context.getRemainingTimeInMillis() < reserveMs;
    const pools = await eachPool(
      await fairOrder(deps, watched),
      logger,
      async (poolId): Promise<PoolReconcile> => {
        if (!(await reconcileDue(deps.checkpoints, poolId, { every, clock: deps.clock })))
          return { poolId, outcome: 'notDue' };
        if (outOfTime()) return { poolId, outcome: 'deferred' };
        const result = await reconcilePool(deps, poolId, {
          shouldStop: outOfTime,
          graceMs: deps.graceMs ?? DEFAULT_GRACE_MS,
        });
        const outcome = result.done ? 'finished' : result.superseded ? 'superseded' : 'paused';
        logger.info(`reconcile ${outcome}`, loggable(result));
        return { ...result, outcome };
      },
    );
    const counts = countOutcomes(pools, [
      'finished',
      'paused',
      'superseded',
      'deferred',
      'notDue',
      'failed',
    ] as const);
    const drift = pools.reduce((sum, pool) => sum + ('counts' in pool ? pool.counts.drift : 0), 0);
    const names = HANDLER_METRICS.reconcile;
    publishCounts(metrics, [
      [names.PoolsReconciled, counts.finished],
      [names.PoolsPaused, counts.paused + counts.superseded],
      // Due pools an invocation had no time for: a steady count means one schedule is too little.
      [names.PoolsDeferred, counts.deferred],
      [names.PoolsFailed, counts.failed],
      [names.DriftRecords, drift],
    ]);
    // Per pool too, so an alarm can name the pool: each pool whose run read something (zeros
    // included); a pool not due, deferred or failed read nothing and has no value to give.
    for (const pool of pools)
      if ('counts' in pool)
        publishPoolMetrics(metrics, pool.poolId, [[names.PoolDriftRecords, pool.counts.drift]]);
    return { pools, ...(asked.refused.length > 0 ? { refused: asked.refused } : {}) };
  };
}
