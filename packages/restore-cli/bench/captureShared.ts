import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CognitoEvent,
  type CognitoReader,
  DEFAULT_QUOTAS,
  operationCategory,
  parseCognitoEvent,
  perPoolOperationLimit,
  type QuotaCategory,
} from '@cognito-rewind/core';
import {
  type CognitoFake,
  countingReader as countingReaderOf,
  OPERATIONS,
  type SeedUser,
} from '@cognito-rewind/testkit';
import { userDoc, username } from './synthetic.js';

/** What the capture benchmarks share: counting, percentiles, quota bounds, the fake pool, events. */

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
export const seconds = (start: number): number => (performance.now() - start) / 1000;
export const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** The value at quantile `q` of `values` (nearest rank); NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** p50, p99 and max of millisecond latencies, rounded to 0.1 ms. */
export function latencySummary(ms: readonly number[]) {
  const r = (n: number) => round(n, 1);
  return {
    count: ms.length,
    p50Ms: r(quantile(ms, 0.5)),
    p99Ms: r(quantile(ms, 0.99)),
    maxMs: r(Math.max(...ms)),
  };
}

/** A listing counts once per call, whatever pages it follows: the fake's own per-operation counts give the HTTP calls. */
export function countingReader(reader: CognitoReader): {
  reader: CognitoReader;
  counts: Map<string, number>;
} {
  const { reader: counted, calls } = countingReaderOf(reader);
  return { reader: counted, counts: calls };
}

export const sortedCounts = (counts: ReadonlyMap<string, number>): Record<string, number> =>
  Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));

export const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

/** HTTP calls the fake answered since its last reset, per operation (throttled and failed ones too). */
export function fakeCalls(fake: CognitoFake): Record<string, number> {
  const out: Record<string, number> = {};
  for (const operation of [...OPERATIONS.keys()].sort()) {
    const n = fake.callCount(operation);
    if (n > 0) out[operation] = n;
  }
  return out;
}

export interface QuotaBound {
  /** Calls, default rps and calls / rps of each category used. */
  byCategory: Record<string, { calls: number; perSecond: number; seconds: number }>;
  busiestCategory: string | undefined;
  /** The largest calls / 5 of an operation AWS limits to 5 rps per pool, if any. */
  perPoolOperation: { operation: string; calls: number; perSecond: number; seconds: number } | undefined;
  /** The least time AWS's default quotas allow for these calls: the larger of the two bounds. */
  minSeconds: number;
}

/** The least time Cognito's default quotas allow for `calls` (per operation), per category and per pool. */
export function quotaBound(calls: Record<string, number>): QuotaBound {
  const byCategory: QuotaBound['byCategory'] = {};
  let perPoolOperation: QuotaBound['perPoolOperation'];
  for (const [operation, n] of Object.entries(calls)) {
    const category = operationCategory(operation) as QuotaCategory | undefined;
    if (category === undefined) continue;
    const { perSecond } = DEFAULT_QUOTAS[category];
    const entry = byCategory[category] ?? { calls: 0, perSecond, seconds: 0 };
    entry.calls += n;
    entry.seconds = round(entry.calls / perSecond);
    byCategory[category] = entry;
    const perPool = perPoolOperationLimit(operation);
    if (perPool !== undefined && (perPoolOperation === undefined || n / perPool > perPoolOperation.seconds))
      perPoolOperation = { operation, calls: n, perSecond: perPool, seconds: round(n / perPool) };
  }
  const categories = Object.entries(byCategory).sort(([, a], [, b]) => b.seconds - a.seconds);
  const busiest = categories[0];
  const minSeconds = Math.max(busiest?.[1].seconds ?? 0, perPoolOperation?.seconds ?? 0);
  return {
    byCategory: Object.fromEntries(categories),
    busiestCategory: busiest?.[0],
    perPoolOperation,
    minSeconds: round(minSeconds),
  };
}

// --- The pool on the fake -------------------------------------------------------------------------

export const SCHEMA = [
  { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
  { Name: 'plan', AttributeDataType: 'String', Mutable: true },
];
/** The synthetic users' groups (synthetic.ts), plus one nobody is in. */
export const GROUPS = ['admins', 'billing', 'editors', 'viewers'];
export const EXTRA_GROUP = 'bench-extra';

/** The synthetic user `i` as the fake seeds it: attributes less `sub` (Cognito sets it), its groups. */
function seedUser(i: number): SeedUser {
  const doc = userDoc(i);
  const { sub: _sub, ...attributes } = doc.attributes as Record<string, string>;
  return { username: username(i), attributes, groups: doc.groups as string[] };
}

/**
 * A pool of `users` synthetic users on the fake, in the synthetic groups, with `clients` app clients.
 * Returns the pool id and each user's sub, by index.
 */
export function seedPool(fake: CognitoFake, users: number, clients = 2): { poolId: string; subs: string[] } {
  const poolId = fake.createPool({ PoolName: 'bench-capture', Schema: SCHEMA });
  for (const [precedence, name] of [...GROUPS, EXTRA_GROUP].entries())
    fake.call('CreateGroup', { UserPoolId: poolId, GroupName: name, Precedence: precedence });
  for (let c = 0; c < clients; c++)
    fake.call('CreateUserPoolClient', { UserPoolId: poolId, ClientName: `bench-client-${c}` });
  fake.seedUsers(
    poolId,
    (function* () {
      for (let i = 0; i < users; i++) yield seedUser(i);
    })(),
  );
  const pool = fake.pool(poolId);
  if (pool === undefined) throw new Error(`the fake has no pool ${poolId}`);
  const byName = new Map<string, string>();
  for (const user of pool.users.values()) byName.set(user.username, user.sub);
  const subs = Array.from({ length: users }, (_, i) => byName.get(username(i)) ?? '');
  return { poolId, subs };
}

// --- Synthetic CloudTrail events ------------------------------------------------------------------

/** The user operations the synthetic events cycle through; each changes the user it names. */
export const EVENT_MIX = [
  'AdminUpdateUserAttributes',
  'AdminAddUserToGroup',
  'AdminDisableUser',
  'AdminRemoveUserFromGroup',
] as const;
export type MixedOperation = (typeof EVENT_MIX)[number];

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  ...['..', '..', 'core', 'src', 'capture', 'fixtures'],
);

type Json = Record<string, unknown>;
const templates = new Map<string, Json>();

function template(name: string): Json {
  let found = templates.get(name);
  if (found === undefined) {
    found = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Json;
    templates.set(name, found);
  }
  return found;
}

/**
 * The EventBridge event of `operation` on one user, made from its fixture: the pool, the sub, a
 * unique id and eventID, the time; `groupName` for membership calls. Validated as capture's handler does.
 */
export function syntheticEvent(
  operation: string,
  poolId: string,
  sub: string,
  when: Date,
  groupName?: string,
): CognitoEvent {
  const event = structuredClone(template(operation));
  const detail = event.detail as Json;
  const time = when.toISOString();
  event.id = randomUUID();
  event.time = time;
  event.region = 'us-east-1';
  detail.eventTime = time;
  detail.awsRegion = 'us-east-1';
  detail.eventID = randomUUID();
  detail.requestID = randomUUID();
  const parameters = detail.requestParameters as Json;
  parameters.userPoolId = poolId;
  if (groupName !== undefined) parameters.groupName = groupName;
  detail.additionalEventData = { sub };
  const parsed = parseCognitoEvent(event);
  if (!parsed.ok) throw new Error(`synthetic ${operation} event: ${parsed.reason}`);
  return parsed.event;
}

/**
 * Makes user `i` change as `operation` says, in process (not counted), and returns the event
 * CloudTrail would deliver for it. Seeded users are enabled, in one or two groups and not in
 * `EXTRA_GROUP`, so each of the mix's operations changes them the first time.
 */
export function applyChange(
  fake: CognitoFake,
  poolId: string,
  i: number,
  sub: string,
  operation: MixedOperation,
  revision: number,
): CognitoEvent {
  const Username = username(i);
  const base = { UserPoolId: poolId, Username };
  let groupName: string | undefined;
  if (operation === 'AdminUpdateUserAttributes')
    fake.call(operation, { ...base, UserAttributes: [{ Name: 'custom:plan', Value: `plan-${revision}` }] });
  else if (operation === 'AdminDisableUser') fake.call(operation, base);
  else {
    const own = (userDoc(i).groups as string[])[0] ?? 'admins';
    groupName = operation === 'AdminAddUserToGroup' ? EXTRA_GROUP : own;
    fake.call(operation, { ...base, GroupName: groupName });
  }
  return syntheticEvent(operation, poolId, sub, new Date(), groupName);
}
