import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

/** The parts of a fixture's CloudTrail record a test points at its own pool, user and time. */
export interface Detail {
  eventID: string;
  eventTime: string;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown> | null;
  additionalEventData: Record<string, unknown>;
  [field: string]: unknown;
}

export interface EventChoice {
  poolId: string;
  /** The user's sub, for events about one user. */
  sub?: string;
  /** @default a new UUID, as CloudTrail's are */
  eventID?: string;
  /** @default now */
  eventTime?: Date;
  edit?: (detail: Detail) => void;
}

/** CloudTrail writes whole seconds: `2025-03-14T09:00:00Z`. */
export const cloudTrailTime = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

// Core's fixtures are CloudTrail-shaped EventBridge events with CloudTrail's masking: the same text a
// deployed rule puts in the queue, read as data (core does not export them as modules).
const FIXTURES = new URL('../../../core/src/capture/fixtures/', import.meta.url);

/** An EventBridge event as the queue carries it. */
export type FixtureEvent = Record<string, unknown> & { detail: Detail };

/** A fixture event (`AdminCreateUser`, `ignored/…`) pointed at the given pool, user, id and time. */
export function cognitoEvent(name: string, choice: EventChoice): FixtureEvent {
  const event = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as FixtureEvent;
  const { detail } = event;
  const time = cloudTrailTime(choice.eventTime ?? new Date());
  event.time = time;
  detail.eventTime = time;
  detail.eventID = choice.eventID ?? randomUUID();
  if (detail.requestParameters?.userPoolId !== undefined) detail.requestParameters.userPoolId = choice.poolId;
  if (choice.sub !== undefined)
    detail.additionalEventData = { ...detail.additionalEventData, sub: choice.sub };
  choice.edit?.(detail);
  return event;
}

/** One SQS message as Lambda's event source mapping hands it over. */
export function sqsRecord(body: string, messageId: string = randomUUID()): SQSRecord {
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AROAEXAMPLEEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:rewind-capture',
    awsRegion: 'us-east-1',
  };
}

/** An SQS message whose body is this event as JSON, as EventBridge's SQS target sends it. */
export const messageOf = (event: object, messageId?: string): SQSRecord =>
  sqsRecord(JSON.stringify(event), messageId);

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export function lambdaContext(functionName = 'rewind-capture'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
