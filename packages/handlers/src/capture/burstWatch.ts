import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type CaptureOutcome,
  type Clock,
  type CognitoEvent,
  isDestructive,
  type TrailEntry,
  trailEntryOf,
  watchBursts,
} from '@cognito-rewind/core';
import { redactedReason } from '../commons/redact.js';
import type { CaptureHandlerDeps } from './createCaptureHandler.js';

/** One invocation's burst watch: collects the batch's destructive calls, then looks for bursts. */
export interface BurstWatch {
  captured: (event: CognitoEvent, outcome: CaptureOutcome) => void;
  afterBatch: () => Promise<void>;
}

/**
 * The burst watch of one invocation, or undefined when capture has no trail or no alarm. A failure
 * to announce is logged and leaves the burst unclaimed (the next destructive call of that caller
 * tries again); it never fails the batch, whose events are captured.
 */
export function burstWatch(
  deps: Pick<CaptureHandlerDeps, 'trail' | 'bursts'>,
  clock: Clock,
  logger: Logger,
): BurstWatch | undefined {
  const { trail, bursts } = deps;
  if (trail === undefined || bursts === undefined) return undefined;
  const entries: TrailEntry[] = [];
  return {
    captured: (event, outcome) => {
      if (!isDestructive(event.detail.eventName)) return;
      const entry = trailEntryOf(event, outcome, clock.now().toISOString());
      if (entry !== undefined) entries.push(entry);
    },
    afterBatch: async () => {
      if (entries.length === 0) return;
      try {
        const announced = await watchBursts({ trail, ...bursts }, entries);
        // Not the caller: capture logs no identity (personal data); the event and the trail name it.
        for (const burst of announced)
          logger.warn('burst of destructive calls: alarm sent', {
            poolId: burst.poolId,
            start: burst.start,
            end: burst.end,
            total: burst.total,
          });
      } catch (error) {
        logger.error('burst alarm failed; the next destructive call of the caller tries again', {
          error: error instanceof Error ? error.name : 'Error',
          reason: redactedReason(error),
        });
      }
    },
  };
}
