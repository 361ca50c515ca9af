import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';

/** Where a test deploys: the account and region the events come from. */
export interface Origin {
  readonly account: string;
  readonly region: string;
}

/** CloudTrail and EventBridge write whole seconds: `2025-03-14T09:00:00Z`. */
const wholeSeconds = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The event a function's schedule rule hands it: EventBridge's "Scheduled Event", naming the rule.
 * The rule is found in the template by its target, and must pass the event as it is (no `Input`).
 */
export function scheduledEvent(
  template: Template,
  logicalId: string,
  origin: Origin,
): Record<string, unknown> {
  const rules = Object.entries(template.findResources('AWS::Events::Rule')).flatMap(([ruleId, rule]) => {
    const targets = (rule.Properties?.Targets ?? []) as Record<string, unknown>[];
    const target = targets.find(
      (t) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] }),
    );
    return target === undefined ? [] : [{ ruleId, rule, target }];
  });
  const [found, ...more] = rules;
  if (found === undefined || more.length > 0)
    throw new Error(`${logicalId} has ${rules.length} rules targeting it, not one schedule`);
  if (found.rule.Properties?.ScheduleExpression === undefined)
    throw new Error(`${found.ruleId}, targeting ${logicalId}, is no schedule`);
  for (const shaping of ['Input', 'InputPath', 'InputTransformer'])
    if (shaping in found.target) throw new Error(`${found.ruleId} reshapes its event (${shaping})`);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: origin.account,
    time: wholeSeconds(new Date()),
    region: origin.region,
    resources: [`arn:aws:events:${origin.region}:${origin.account}:rule/${found.ruleId}`],
    detail: {},
  };
}

// Core's fixtures: real CloudTrail records in their EventBridge envelope, with CloudTrail's masking.
const FIXTURES = new URL('../../core/src/capture/fixtures/', import.meta.url);

/** A fixture event (`AdminUpdateUserAttributes`) about one user of a pool, now, with a new event id. */
export function cloudTrailEvent(
  name: string,
  choice: { poolId: string; sub: string; eventId: string },
): Record<string, unknown> {
  const event = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as {
    time: string;
    detail: Record<string, unknown> & {
      requestParameters: Record<string, unknown>;
      additionalEventData: Record<string, unknown>;
    };
  };
  const time = wholeSeconds(new Date());
  event.time = time;
  event.detail.eventTime = time;
  event.detail.eventID = choice.eventId;
  event.detail.requestParameters.userPoolId = choice.poolId;
  event.detail.additionalEventData.sub = choice.sub;
  return event;
}

/** An SQS event of one message whose body is `event`, as EventBridge's SQS target and the mapping pass it. */
export function sqsEventOf(event: object, origin: Origin): Record<string, unknown> {
  const messageId = randomUUID();
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId,
        receiptHandle: `receipt-${messageId}`,
        body: JSON.stringify(event),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: now,
          SenderId: 'AROAEXAMPLEEVENTBRIDGE',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${origin.region}:${origin.account}:rewind-capture`,
        awsRegion: origin.region,
      },
    ],
  };
}
