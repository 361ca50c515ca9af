import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { countOutcomes, eachPool, type PoolFailure } from '../commons/eachPool.js';
import { defaultLogger, defaultMetrics, publishCounts } from '../commons/powertools.js';
import { redactText } from '../commons/redact.js';
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

/**
 * The hourly snapshot Lambda (an EventBridge schedule; the event itself is not read). Failed pools are
 * listed in the result and counted in `PoolsFailed`, and the invocation still succeeds: a retry of
 * the whole run would only redo the pools that worked.
 */
export function createSnapshotHandler(deps: SnapshotHandlerDeps): SnapshotHandler {
  const logger = deps.logger ?? defaultLogger('snapshot');
  const metrics = deps.metrics ?? defaultMetrics('snapshot');
  return async () => {
    const pools = await eachPool(await deps.pools(), logger, async (poolId) => {
      const done = await snapshotPool(deps, poolId);
      const { warnings, ...rest } = done;
      logger.info(MESSAGES[done.outcome], rest);
      // Warnings may name entities (`kept the recorded state of user:<username>`): redacted.
      for (const warning of warnings) logger.warn(redactText(warning), { poolId });
      return done;
    });
    const counts = countOutcomes(pools, ['compacted', 'unchanged', 'firstRead', 'failed'] as const);
    publishCounts(metrics, {
      PoolsCompacted: counts.compacted,
      PoolsUnchanged: counts.unchanged,
      PoolsFirstRead: counts.firstRead,
      PoolsFailed: counts.failed,
    });
    return { pools };
  };
}
