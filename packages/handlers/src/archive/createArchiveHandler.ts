import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { eachPool, type PoolFailure } from '../commons/eachPool.js';
import { HANDLER_METRICS } from '../commons/metricNames.js';
import { defaultLogger, defaultMetrics, publishCounts } from '../commons/powertools.js';
import { type ArchivePoolDeps, archivePool, type PoolArchive } from './archivePool.js';

export interface ArchiveHandlerDeps extends ArchivePoolDeps {
  /** The pools to archive (in Lambda: `REWIND_POOL_IDS`). */
  pools: () => Promise<string[]>;
  /** @default a Powertools Logger of service `cognito-rewind-archive` */
  logger?: Logger;
  /** @default Powertools Metrics in namespace `CognitoRewind` */
  metrics?: Metrics;
}

export interface ArchiveRunResult {
  /** One entry per pool, in the order `pools()` gave them. */
  pools: (PoolArchive | PoolFailure)[];
}

export type ArchiveHandler = (event?: unknown) => Promise<ArchiveRunResult>;

/**
 * The archive Lambda (an EventBridge schedule; the event itself is not read): each pool's new change
 * records to delta segments, one pool after another. Failed pools are listed and counted in
 * `PoolsFailed`; the invocation still succeeds, and the next run picks up where the checkpoint is.
 */
export function createArchiveHandler(deps: ArchiveHandlerDeps): ArchiveHandler {
  const logger = deps.logger ?? defaultLogger('archive');
  const metrics = deps.metrics ?? defaultMetrics('archive');
  return async () => {
    const pools = await eachPool(await deps.pools(), logger, async (poolId) => {
      const done = await archivePool(deps, poolId);
      logger.info('archived', { poolId, segments: done.segments.length, records: done.records });
      return done;
    });
    let archived = 0;
    let segments = 0;
    for (const pool of pools)
      if (pool.outcome === 'archived') {
        archived += pool.records;
        segments += pool.segments.length;
      }
    const names = HANDLER_METRICS.archive;
    publishCounts(metrics, [
      [names.RecordsArchived, archived],
      [names.SegmentsWritten, segments],
      [names.PoolsFailed, pools.filter((pool) => pool.outcome === 'failed').length],
    ]);
    return { pools };
  };
}
