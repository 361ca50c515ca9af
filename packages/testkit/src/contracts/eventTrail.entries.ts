import type { EventTrail, TrailEntry, TrailQuery } from '@cognito-rewind/core';

export const POOL = 'us-east-1_Trail1';
export const OTHER_POOL = 'eu-west-1_Trail2';

/** Seconds after 2024-06-01T10:00:00Z, canonical. */
export const at = (seconds: number): string =>
  new Date(Date.UTC(2024, 5, 1, 10, 0, 0) + seconds * 1000).toISOString();

/** A valid ULID (a change record id) numbered `n`. */
export const changeId = (n: number): string => `01J${String(n).padStart(23, '0')}`;

export const ALICE = 'arn:aws:iam::123456789012:user/alice';
export const OPS_ROLE = 'arn:aws:sts::123456789012:assumed-role/Ops/bob-session';

/** An entry with every field a successful admin call has; `overrides` replace fields whole. */
export function entry(eventId: string, overrides: Partial<TrailEntry> = {}): TrailEntry {
  return {
    eventId,
    poolId: POOL,
    eventTime: at(0),
    receivedAt: at(3),
    eventName: 'AdminUpdateUserAttributes',
    eventType: 'AwsApiCall',
    caller: { arn: ALICE, type: 'IAMUser', principalId: 'AIDAEXAMPLEALICE', accessKeyId: 'AKIAEXAMPLE' },
    sourceIp: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0 Python/3.11',
    entities: ['user:bob'],
    subjectSub: '0c9d6f5e-1234-4abc-9def-0123456789ab',
    outcome: 'changed',
    changeIds: [changeId(1)],
    ...overrides,
  };
}

/** An entry with only what every entry has: no personal data, no error, nothing optional. */
export function bareEntry(eventId: string, overrides: Partial<TrailEntry> = {}): TrailEntry {
  return {
    eventId,
    poolId: POOL,
    eventTime: at(0),
    receivedAt: at(1),
    eventName: 'SignUp',
    eventType: 'AwsApiCall',
    caller: {},
    entities: [],
    outcome: 'reconcile',
    changeIds: [],
    ...overrides,
  };
}

/** Everything a query finds, following the cursor page by page; fails on a page that runs past the limit. */
export async function walk(
  trail: EventTrail,
  poolId: string,
  query: TrailQuery = {},
): Promise<{ entries: TrailEntry[]; pages: number[] }> {
  const entries: TrailEntry[] = [];
  const pages: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await trail.query(poolId, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    if (page.entries.length > (query.limit ?? 100)) throw new Error('a page holds more than its limit');
    if (pages.length > 10_000) throw new Error('the cursor never ends');
    entries.push(...page.entries);
    pages.push(page.entries.length);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { entries, pages };
}

export const eventIds = (entries: readonly TrailEntry[]): string[] => entries.map((e) => e.eventId);

/** The event ids a query finds, all pages read. */
export async function found(trail: EventTrail, query: TrailQuery = {}, poolId = POOL): Promise<string[]> {
  return eventIds((await walk(trail, poolId, query)).entries);
}

/** The entry as it reads once its personal data is forgotten. */
export function withoutPersonalData(e: TrailEntry): TrailEntry {
  const { sourceIp: _ip, userAgent: _agent, ...rest } = e;
  return rest;
}
