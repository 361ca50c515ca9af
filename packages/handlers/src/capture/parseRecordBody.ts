import { type CognitoEvent, parseCognitoEvent } from '@cognito-rewind/core';
import type { SQSRecord } from 'aws-lambda';
import { MalformedEventError } from '../errors.js';

/**
 * The Cognito event an SQS record carries: EventBridge's SQS target puts the whole event, as JSON, in
 * the body. Throws `MalformedEventError` with a reason that names what is wrong but quotes none of the
 * body (it may hold personal data): a JSON parser's message would echo the text around the error.
 */
export function parseRecordBody(record: Pick<SQSRecord, 'messageId' | 'body'>): CognitoEvent {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new MalformedEventError(
      record.messageId,
      `the body (${record.body.length} characters) is not JSON`,
    );
  }
  const parsed = parseCognitoEvent(json);
  if (!parsed.ok) throw new MalformedEventError(record.messageId, parsed.reason);
  return parsed.event;
}
