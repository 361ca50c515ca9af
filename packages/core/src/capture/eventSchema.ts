import { z } from 'zod';
import { describeIssue } from '../model/schemaParts.js';

/**
 * What the capture Lambda receives: an EventBridge envelope whose `detail` is one CloudTrail record
 * of Amazon Cognito user pools (`cognito-idp`). Only the fields capture reads are checked; every other
 * field passes through untouched, because CloudTrail adds fields over time (`eventCategory`,
 * `tlsDetails`, …) and an event must not be refused for something capture never looks at.
 */

export const EVENTBRIDGE_SOURCE = 'aws.cognito-idp';
export const CLOUDTRAIL_EVENT_SOURCE = 'cognito-idp.amazonaws.com';

/**
 * The two ways a Cognito CloudTrail record reaches EventBridge: API calls (`AwsApiCall`) and requests to
 * the hosted UI / managed login pages and OAuth endpoints (`AwsServiceEvent`), keyed by `eventType`.
 */
export const DETAIL_TYPE_BY_EVENT_TYPE = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
} as const;
export type CognitoEventType = keyof typeof DETAIL_TYPE_BY_EVENT_TYPE;
export const DETAIL_TYPES = Object.values(DETAIL_TYPE_BY_EVENT_TYPE);

/** `missing` when the field is absent, else what it should have been: reasons name the field. */
const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'missing' : `not ${what}`;

const text = (what = 'a string') => z.string({ error: expected(what) });
const requiredText = (what = 'a non-empty string') => text(what).min(1, `not ${what}`);
const optionalText = text().optional();

type JsonRecord = Record<string, unknown>;
const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const record = z.custom<JsonRecord>(isRecord, { error: expected('an object') });

/** CloudTrail writes `2022-07-27T13:36:23Z`; any ISO-8601 time with a zone is accepted. */
const isoTime = text('an ISO-8601 time with a zone')
  .pipe(z.iso.datetime({ offset: true, error: 'not an ISO-8601 time with a zone' }))
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a valid date');

/** Who made the call: an IAM identity for admin calls, `Unknown`/`Anonymous` for public and token calls. */
export const userIdentitySchema = z.looseObject(
  {
    type: optionalText,
    arn: optionalText,
    principalId: optionalText,
    accountId: optionalText,
  },
  { error: expected('an object') },
);

export const cloudTrailRecordSchema = z.looseObject(
  {
    eventVersion: optionalText,
    eventName: requiredText('a non-empty event name'),
    eventSource: z.literal(CLOUDTRAIL_EVENT_SOURCE, { error: expected(CLOUDTRAIL_EVENT_SOURCE) }),
    eventTime: isoTime,
    // Capture stores it with each change record: a redelivered event is then recognised, not re-applied.
    eventID: requiredText('a non-empty event id'),
    eventType: z.enum(['AwsApiCall', 'AwsServiceEvent'], {
      error: expected('AwsApiCall or AwsServiceEvent'),
    }),
    // Absent on some records; the catalogue, not this flag, says what a call changes.
    readOnly: z.boolean({ error: expected('a boolean') }).optional(),
    // Present (and non-empty) only on calls that failed. Hosted-UI records carry `""` on success.
    errorCode: optionalText,
    errorMessage: optionalText,
    awsRegion: requiredText('a non-empty region'),
    // Hosted-UI records carry only `{accountId}`.
    userIdentity: userIdentitySchema,
    sourceIPAddress: optionalText,
    userAgent: optionalText,
    // Hosted-UI records have null or no request parameters: theirs are in additionalEventData.
    requestParameters: record.nullable().optional(),
    responseElements: record.nullable().optional(),
    additionalEventData: record.optional(),
    requestID: optionalText,
  },
  { error: expected('an object') },
);

export const cognitoEventSchema = z
  .looseObject(
    {
      'detail-type': z.enum(DETAIL_TYPES, { error: expected(DETAIL_TYPES.join(' or ')) }),
      source: z.literal(EVENTBRIDGE_SOURCE, { error: expected(EVENTBRIDGE_SOURCE) }),
      id: optionalText,
      time: optionalText,
      region: optionalText,
      account: optionalText,
      detail: cloudTrailRecordSchema,
    },
    { error: expected('an object') },
  )
  .superRefine((event, ctx) => {
    // Rules route on detail-type and capture reasons on eventType: a disagreement is a forged or
    // mangled event, not one to guess about.
    const wanted = DETAIL_TYPE_BY_EVENT_TYPE[event.detail.eventType];
    if (event['detail-type'] !== wanted)
      ctx.addIssue({
        code: 'custom',
        path: ['detail-type'],
        message: `${JSON.stringify(event['detail-type'])} does not match detail.eventType ${event.detail.eventType} (expected ${JSON.stringify(wanted)})`,
      });
  });

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
export type CognitoEvent = z.infer<typeof cognitoEventSchema>;

export type ParsedCognitoEvent = { ok: true; event: CognitoEvent } | { ok: false; reason: string };

/**
 * Validates an EventBridge event (the object a Lambda receives, or its JSON text). The reason names the
 * first field that is wrong, e.g. `detail.eventTime: not an ISO-8601 time with a zone`.
 */
export function parseCognitoEvent(json: unknown): ParsedCognitoEvent {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  }
  const parsed = cognitoEventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, reason: describeIssue(parsed.error) };
}
