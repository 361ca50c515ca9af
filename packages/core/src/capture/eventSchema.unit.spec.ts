import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCognitoEvent } from './eventSchema.js';

type Json = Record<string, unknown>;
const fixtures = new URL('./fixtures/', import.meta.url);
const filesIn = (folder: URL): URL[] =>
  readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .map((file) => new URL(file, folder));
const load = (url: URL): Json => JSON.parse(readFileSync(url, 'utf8')) as Json;

/** A fresh, editable copy of a well-formed event. */
const base = (): { event: Json; detail: Json } => {
  const event = load(new URL('AdminUpdateUserAttributes.json', fixtures));
  return { event, detail: event.detail as Json };
};

describe('parseCognitoEvent', () => {
  const all = [...filesIn(fixtures), ...filesIn(new URL('ignored/', fixtures))];

  it.each(all.map((url) => [url.pathname.split('/fixtures/')[1], url] as const))('parses %s', (_, url) => {
    const parsed = parseCognitoEvent(load(url));
    expect(parsed).toMatchObject({ ok: true });
  });

  it('accepts the JSON text as well as the object', () => {
    const { event } = base();
    expect(parseCognitoEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    expect(parseCognitoEvent('{"detail":')).toEqual({ ok: false, reason: 'not JSON' });
  });

  it('lets fields it does not check pass through unchanged', () => {
    const { event, detail } = base();
    detail.someFieldCloudTrailAddsLater = { nested: [1, 2] };
    const parsed = parseCognitoEvent(event);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.detail.tlsDetails).toEqual(detail.tlsDetails);
    expect(parsed.event.detail.someFieldCloudTrailAddsLater).toEqual({ nested: [1, 2] });
    expect(parsed.event.detail.userIdentity.sessionContext).toBeDefined();
    expect(parsed.event.resources).toEqual([]);
  });

  it('accepts a time with an offset and a record without readOnly (the catalogue decides)', () => {
    const { event, detail } = base();
    detail.eventTime = '2025-03-14T10:00:00.250+01:00';
    delete detail.readOnly;
    expect(parseCognitoEvent(event)).toMatchObject({ ok: true });
  });

  type Edit = (event: Json, detail: Json) => void;
  const malformed: [string, Edit, string][] = [
    ['a missing eventName', (_, d) => delete d.eventName, 'detail.eventName: missing'],
    ['an empty eventName', (_, d) => (d.eventName = ''), 'detail.eventName: not a non-empty event name'],
    [
      'another service',
      (_, d) => (d.eventSource = 'iam.amazonaws.com'),
      'detail.eventSource: not cognito-idp.amazonaws.com',
    ],
    [
      'a time without a zone',
      (_, d) => (d.eventTime = '2025-03-14 09:00:00'),
      'detail.eventTime: not an ISO-8601 time with a zone',
    ],
    [
      'a day that does not exist',
      (_, d) => (d.eventTime = '2025-02-30T09:00:00Z'),
      'detail.eventTime: not an ISO-8601 time with a zone',
    ],
    [
      'a numeric time',
      (_, d) => (d.eventTime = 1741942800),
      'detail.eventTime: not an ISO-8601 time with a zone',
    ],
    ['a missing eventID', (_, d) => delete d.eventID, 'detail.eventID: missing'],
    [
      'an unknown eventType',
      (_, d) => (d.eventType = 'AwsConsoleAction'),
      'detail.eventType: not AwsApiCall or AwsServiceEvent',
    ],
    ['readOnly as a string', (_, d) => (d.readOnly = 'false'), 'detail.readOnly: not a boolean'],
    ['a numeric errorCode', (_, d) => (d.errorCode = 400), 'detail.errorCode: not a string'],
    ['a missing region', (_, d) => delete d.awsRegion, 'detail.awsRegion: missing'],
    ['no userIdentity', (_, d) => delete d.userIdentity, 'detail.userIdentity: missing'],
    [
      'a userIdentity arn that is no string',
      (_, d) => (d.userIdentity = { arn: 7 }),
      'detail.userIdentity.arn: not a string',
    ],
    [
      'requestParameters as an array',
      (_, d) => (d.requestParameters = []),
      'detail.requestParameters: not an object',
    ],
    [
      'responseElements as a string',
      (_, d) => (d.responseElements = 'ok'),
      'detail.responseElements: not an object',
    ],
    [
      'additionalEventData null',
      (_, d) => (d.additionalEventData = null),
      'detail.additionalEventData: not an object',
    ],
    ['no detail', (e) => delete e.detail, 'detail: missing'],
    ['a detail that is a string', (e) => (e.detail = '{}'), 'detail: not an object'],
    ['another EventBridge source', (e) => (e.source = 'aws.iam'), 'source: not aws.cognito-idp'],
    [
      'a console sign-in detail-type',
      (e) => (e['detail-type'] = 'AWS Console Signin via CloudTrail'),
      'detail-type: not AWS API Call via CloudTrail or AWS Service Event via CloudTrail',
    ],
    [
      'a detail-type that contradicts eventType',
      (e) => (e['detail-type'] = 'AWS Service Event via CloudTrail'),
      'detail-type: "AWS Service Event via CloudTrail" does not match detail.eventType AwsApiCall (expected "AWS API Call via CloudTrail")',
    ],
  ];

  it.each(malformed)('refuses %s, naming the field', (_, edit, reason) => {
    const { event, detail } = base();
    edit(event, detail);
    expect(parseCognitoEvent(event)).toEqual({ ok: false, reason });
  });

  it('refuses what is not an event at all', () => {
    expect(parseCognitoEvent(null)).toEqual({ ok: false, reason: 'not an object' });
    expect(parseCognitoEvent([])).toEqual({ ok: false, reason: 'not an object' });
    expect(parseCognitoEvent(undefined)).toEqual({ ok: false, reason: 'missing' });
  });
});
