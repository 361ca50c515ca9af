import { InvalidInputError, RewindError } from '@cognito-rewind/core';

/**
 * Named errors of the handlers. They extend core's `InvalidInputError`, so `isRewindError` (a
 * `Symbol.for` tag) recognises them even when two copies of core are bundled.
 */

/** An SQS record whose body is not a Cognito CloudTrail event: it fails alone and goes to the DLQ. */
export class MalformedEventError extends InvalidInputError {
  constructor(
    readonly messageId: string,
    readonly reason: string,
  ) {
    super(`SQS message ${messageId} is not a Cognito CloudTrail event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/** A Lambda environment variable is missing or unusable: the function is deployed wrong. */
export class HandlerConfigError extends InvalidInputError {
  constructor(
    readonly variable: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`environment variable ${variable} ${problem}`, options);
    this.name = 'HandlerConfigError';
  }
}

/** EventBridge refused the burst alarm's entry (PutEvents answers 200 with a failed entry). */
export class BurstAlarmRefusedError extends RewindError {
  constructor(
    readonly code: string | undefined,
    detail: string | undefined,
  ) {
    super(`EventBridge refused the burst alarm: ${code ?? 'unknown error'}${detail ? ` (${detail})` : ''}`);
    this.name = 'BurstAlarmRefusedError';
  }
}
