import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  Burst,
  BurstThreshold,
  ChangeLog,
  CheckpointStore,
  Clock,
  CognitoReader,
  EventTrail,
  SnapshotStore,
} from '@cognito-rewind/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { defaultLogger, defaultMetrics, publishCounts } from '../commons/powertools.js';
import { type BurstWatch, burstWatch } from './burstWatch.js';
import { captureMetrics, noCounts } from './captureCounts.js';
import { recordCapture } from './captureRecord.js';

export interface CaptureHandlerDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  /** Where a deleted user's name is found (the recorded state names the sub Cognito no longer has). */
  snapshots: SnapshotStore;
  clock: Clock;
  /** @default a Powertools Logger of service `cognito-rewind-capture` */
  logger?: Logger;
  /** @default Powertools Metrics in namespace `CognitoRewind` */
  metrics?: Metrics;
  /**
   * Called with what capture could not re-read alone (`CaptureOutcome.forReconcile`);
   * `reconcileRequester` turns it into a request the reconcile handler acts on at its next check.
   */
  onForReconcile?: (poolId: string | undefined, reasons: string[]) => Promise<void>;
  /** The pool of a public call that names only its app client (`poolOfClientFromLog`). */
  poolOfClient?: (clientId: string) => Promise<string | undefined>;
  /** Where every event received is kept once, failed calls included (the audit trail). */
  trail?: EventTrail;
  /**
   * The burst alarm: after each batch, destructive calls per pool and caller are counted over the
   * trail and each new burst is announced once (claimed in `checkpoints`). Needs `trail`.
   */
  bursts?: {
    checkpoints: CheckpointStore;
    threshold: BurstThreshold;
    announce: (burst: Burst) => Promise<void>;
  };
}

export type CaptureHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * The capture Lambda: each SQS record holds one EventBridge event of a Cognito API call, which core
 * `captureEvent` turns into change records. Records fail alone (partial batch response): a malformed
 * event or a throttled re-read is listed in `batchItemFailures` and the rest of the batch is kept.
 */
export function createCaptureHandler(deps: CaptureHandlerDeps): CaptureHandler {
  const logger = deps.logger ?? defaultLogger('capture');
  const metrics = deps.metrics ?? defaultMetrics('capture');
  const core = {
    reader: deps.reader,
    changeLog: deps.changeLog,
    clock: deps.clock,
    snapshots: deps.snapshots,
    ...(deps.poolOfClient === undefined ? {} : { poolOfClient: deps.poolOfClient }),
    ...(deps.trail === undefined ? {} : { trail: deps.trail }),
  };
  return async (event, context) => {
    logger.addContext(context);
    const counts = noCounts();
    const watch: BurstWatch | undefined = burstWatch(deps, core.clock, logger);
    const capture = recordCapture({
      core,
      logger,
      counts,
      ...(deps.onForReconcile === undefined ? {} : { onForReconcile: deps.onForReconcile }),
      ...(watch === undefined ? {} : { onCaptured: watch.captured }),
    });
    try {
      // A processor per invocation: it keeps the batch's state, and a local runner may hand one
      // handler two batches at once. In order, one record at a time: a batch often names one user
      // several times, and Cognito allows 10 reads per second per user. A batch that fails whole is
      // still answered with its failures: throwing would only add a Lambda error to what they say.
      const response = await processPartialResponse(event, capture, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: false,
      });
      await watch?.afterBatch();
      logger.info('batch done', {
        messages: event.Records.length,
        failed: response.batchItemFailures.length,
        ...counts,
      });
      return response;
    } finally {
      publishCounts(metrics, captureMetrics(counts));
    }
  };
}
