import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type CaptureDeps,
  type CaptureOutcome,
  type CognitoEvent,
  CognitoThrottledError,
  captureEvent,
} from '@cognito-rewind/core';
import type { SQSRecord } from 'aws-lambda';
import { redactedReason, redactText } from '../commons/redact.js';
import { MalformedEventError } from '../errors.js';
import { type CaptureCounts, countOutcome } from './captureCounts.js';
import { parseRecordBody } from './parseRecordBody.js';

export interface RecordCaptureContext {
  core: CaptureDeps;
  logger: Logger;
  counts: CaptureCounts;
  onForReconcile?: (poolId: string | undefined, reasons: string[]) => Promise<void>;
  /** Told of each event captured (the burst watch keeps the destructive ones). */
  onCaptured?: (event: CognitoEvent, outcome: CaptureOutcome) => void;
}

/**
 * Captures one SQS record; throwing marks it failed in the batch response, and SQS delivers it again
 * (a malformed one, after the queue's receive limit, to the DLQ). Log lines name the message and the
 * event, never the event's body: its request parameters and identity may be personal data.
 */
export function recordCapture(ctx: RecordCaptureContext): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    const event = parsed(ctx, record);
    const ids = {
      messageId: record.messageId,
      eventID: event.detail.eventID,
      eventName: event.detail.eventName,
    };
    let outcome: CaptureOutcome;
    try {
      outcome = await captureEvent(ctx.core, event);
      if (outcome.forReconcile.length > 0)
        await ctx.onForReconcile?.(outcome.poolId, [...outcome.forReconcile]);
    } catch (error) {
      ctx.counts.eventsFailed += 1;
      logFailure(ctx.logger, ids, error);
      throw error;
    }
    countOutcome(ctx.counts, outcome);
    ctx.onCaptured?.(event, outcome);
    ctx.logger.info('event captured', {
      ...ids,
      poolId: outcome.poolId,
      ...(outcome.ignored === undefined ? {} : { ignored: outcome.ignored }),
      appended: outcome.appended.length,
      duplicates: outcome.duplicates.length,
      unchanged: outcome.unchanged.length,
      // A count only: the reasons name users (subs, usernames) and go to the reconcile request.
      forReconcile: outcome.forReconcile.length,
    });
  };
}

function parsed(ctx: RecordCaptureContext, record: SQSRecord): CognitoEvent {
  try {
    return parseRecordBody(record);
  } catch (error) {
    ctx.counts.eventsFailed += 1;
    ctx.logger.error('malformed event: it fails alone and reaches the DLQ through SQS redrive', {
      messageId: record.messageId,
      reason: error instanceof MalformedEventError ? redactText(error.reason) : redactedReason(error),
    });
    throw error;
  }
}

function logFailure(logger: Logger, ids: Record<string, string>, error: unknown): void {
  if (error instanceof CognitoThrottledError)
    logger.warn('Cognito throttled the re-read; SQS delivers the event again after its visibility timeout', {
      ...ids,
      reason: redactText(error.message),
    });
  else
    logger.error('capture failed; SQS delivers the event again', {
      ...ids,
      error: error instanceof Error ? error.name : 'Error',
      // Core messages may name an entity (`user:<username>`, often an email): redacted.
      reason: redactedReason(error),
    });
}
