import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { countOutcomes, eachPool, type PoolFailure } from '../commons/eachPool.js';
import { HANDLER_METRICS, type MetricDefinition } from '../commons/metricNames.js';
import { defaultLogger, defaultMetrics, publishCounts, publishPoolMetrics } from '../commons/powertools.js';
import { redactedError, redactText } from '../commons/redact.js';
import { ageSeconds, type PoolFreshness, poolFreshness } from './poolFreshness.js';
import { type PoolSnapshot, type SnapshotPoolDeps, snapshotPool } from './snapshotPool.js';

export interface SnapshotHandlerDeps extends SnapshotPoolDeps {
  /** The pools to snapshot (in Lambda: `REWIND_POOL_IDS`). */
  pools: () => Promise<string[]>;
  /** @default a Powertools Logger of service `cognito-rewind-snapshot` */
  logger?: Logger;
  /** @default Powertools Metrics in namespace `CognitoRewind` */
  metrics?: Metrics;
}

export interface SnapshotRunResult {
  /** One entry per pool, in the order `pools()` gave them. */
  pools: (PoolSnapshot | PoolFailure)[];
}

const MESSAGES: Record<PoolSnapshot['outcome'], string> = {
  compacted: 'snapshot compacted',
  unchanged: 'snapshot skipped: nothing changed since the newest',
  firstRead: 'first full read',
};

export type SnapshotHandler = (event?: unknown) => Promise<SnapshotRunResult>;

const names = HANDLER_METRICS.snapshot;

/**
 * Each pool's freshness, measured after the run. A pool it cannot be measured for is logged and
 * counted, and the others go on: the snapshots are made whatever the measuring does.
 */
async function measureFreshness(
  deps: SnapshotHandlerDeps,
  poolIds: readonly string[],
  logger: Logger,
): Promise<{ measured: PoolFreshness[]; failed: number }> {
  const measured: PoolFreshness[] = [];
  let failed = 0;
  for (const poolId of poolIds)
    try {
      measured.push(await poolFreshness(deps, poolId));
    } catch (error) {
      failed += 1;
      logger.warn('freshness of the pool not measured; its ages are not published', {
        poolId,
        error: redactedError(error),
      });
    }
  return { measured, failed };
}

/**
 * A pool's ages under its `PoolId`. A missing time is published as nothing, never as a made-up age:
 * the alarm sees missing data, which it treats as breaching.
 */
function publishFreshness(metrics: Metrics, logger: Logger, freshness: PoolFreshness): void {
  const { poolId, now, snapshotAt, lastChangeAt } = freshness;
  const values: [MetricDefinition, number][] = [];
  if (snapshotAt === undefined)
    logger.info('no snapshot of the pool yet: SnapshotAgeSeconds not published', { poolId });
  else values.push([names.SnapshotAgeSeconds, ageSeconds(now, snapshotAt)]);
  if (lastChangeAt === undefined)
    logger.info('no change record of the pool yet: LastChangeAgeSeconds not published', { poolId });
  else values.push([names.LastChangeAgeSeconds, ageSeconds(now, lastChangeAt)]);
  publishPoolMetrics(metrics, poolId, values);
}

/**
 * The hourly snapshot Lambda (an EventBridge schedule; the event itself is not read). Failed pools are
 * listed in the result and counted in `PoolsFailed`, and the invocation still succeeds: a retry of
 * the whole run would only redo the pools that worked. After the run, every pool's freshness (the age
 * of its newest snapshot and of its newest change record) is published under its `PoolId`, failed
 * pools included: theirs is the recovery point at risk.
 */
export function createSnapshotHandler(deps: SnapshotHandlerDeps): SnapshotHandler {
  const logger = deps.logger ?? defaultLogger('snapshot');
  const metrics = deps.metrics ?? defaultMetrics('snapshot');
  return async () => {
    const poolIds = await deps.pools();
    const pools = await eachPool(poolIds, logger, async (poolId) => {
      const done = await snapshotPool(deps, poolId);
      const { warnings, ...rest } = done;
      logger.info(MESSAGES[done.outcome], rest);
      // Warnings may name entities (`kept the recorded state of user:<username>`): redacted.
      for (const warning of warnings) logger.warn(redactText(warning), { poolId });
      return done;
    });
    const freshness = await measureFreshness(deps, poolIds, logger);
    const counts = countOutcomes(pools, ['compacted', 'unchanged', 'firstRead', 'failed'] as const);
    publishCounts(metrics, [
      [names.PoolsCompacted, counts.compacted],
      [names.PoolsUnchanged, counts.unchanged],
      [names.PoolsFirstRead, counts.firstRead],
      [names.PoolsFailed, counts.failed],
      [names.FreshnessFailed, freshness.failed],
    ]);
    for (const measured of freshness.measured) publishFreshness(metrics, logger, measured);
    return { pools };
  };
}
