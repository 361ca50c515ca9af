import { createHash } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';

/** A message on the local queue, with what SQS counts about it. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Not handed out before this time: the backoff after a failed receive (SQS's visibility timeout). */
  visibleAt: number;
}

/** A message that failed every receive, as it is kept in the dead-letter file. */
export interface DeadLetter {
  messageId: string;
  receiveCount: number;
  sentAt: string;
  deadAt: string;
  /** What is known about the last failure: the handler's error, or the reason it logged. */
  reason: string;
  body: string;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** The record of one receive, shaped as the SQS event source hands it to a Lambda. */
export function sqsRecord(message: QueuedMessage, region: string, queueName: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: md5(message.body),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${region}:000000000000:${queueName}`,
    awsRegion: region,
  };
}

export function deadLetterOf(message: QueuedMessage, reason: string): DeadLetter {
  return {
    messageId: message.messageId,
    receiveCount: message.receiveCount,
    sentAt: new Date(message.sentAt).toISOString(),
    deadAt: new Date().toISOString(),
    reason,
    body: message.body,
  };
}
