import {
  AWS_DEFAULT_RATE_LIMITS,
  backupNow,
  type FakeRestoreEnv,
  livePool,
  OPERATIONS,
  runRestore,
  startFakeRestoreEnv,
  writableDifferences,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationCategory, QUOTA_CATEGORIES } from '../../quotas/cognitoQuotas.js';
import { ACTION_OPERATION } from './runAction.js';

/** Pages of 60, as AWS: the scans around a restore stay a handful of calls. */
let env: FakeRestoreEnv;

beforeAll(async () => {
  env = await startFakeRestoreEnv({ pageSize: 60 });
});

afterAll(async () => {
  await env?.stop();
});

const GROUPS = ['g0', 'g1', 'g2', 'g3'];

/** A pool of `count` users, each in one group and every fourth in a second one; no throttling yet. */
function seedPool(count: number): string {
  const { fake } = env.running;
  env.running.fake.setRateLimits({});
  const poolId = fake.createPool({
    PoolName: 'quota',
    Schema: [{ Name: 'tenant', AttributeDataType: 'String' }],
  });
  for (const [i, GroupName] of GROUPS.entries())
    fake.call('CreateGroup', { UserPoolId: poolId, GroupName, Precedence: i });
  fake.seedUsers(
    poolId,
    Array.from({ length: count }, (_, i) => ({
      username: `user${String(i).padStart(3, '0')}`,
      attributes: { email: `u${i}@example.com`, 'custom:tenant': `t${i % 7}` },
      groups: i % 4 === 0 ? [GROUPS[i % 4] as string, 'g3'] : [GROUPS[i % 3] as string],
      enabled: i % 10 !== 0,
    })),
  );
  return poolId;
}

const throttledByFake = () =>
  [...OPERATIONS.keys()].reduce((n, operation) => n + env.running.fake.throttledCount(operation), 0);

const throttledInCategory = (category: string) =>
  [...OPERATIONS.keys()]
    .filter((operation) => operationCategory(operation) === category)
    .reduce((n, operation) => n + env.running.fake.throttledCount(operation), 0);

describe('applyPlan paces every call by its Cognito quota category', () => {
  it("re-creates 120 users with their memberships at AWS's default quotas without one throttled call", async () => {
    const poolId = seedPool(120);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    for (let i = 0; i < 120; i++)
      env.running.fake.call('AdminDeleteUser', {
        UserPoolId: poolId,
        Username: `user${String(i).padStart(3, '0')}`,
      });
    env.running.fake.setRateLimits(AWS_DEFAULT_RATE_LIMITS);
    env.running.fake.resetCounts();

    const started = performance.now();
    const { prepared, result, limiter } = await runRestore(env, { sourcePoolId: poolId, at, mode: 'undo' });
    const seconds = (performance.now() - started) / 1000;

    const kinds = prepared.plan.tasks.flatMap((t) => t.actions.map((a) => a.kind));
    expect(kinds.filter((k) => k === 'createUser')).toHaveLength(120);
    expect(kinds.filter((k) => k === 'addToGroup')).toHaveLength(150);
    expect(kinds.filter((k) => k === 'disableUser')).toHaveLength(12);
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(
      Object.fromEntries(
        [...OPERATIONS.keys()].map((o) => [o, env.running.fake.throttledCount(o)]).filter(([, n]) => n),
      ),
    ).toEqual({});
    expect(throttledByFake()).toBe(0);
    expect([...limiter.throttles.values()].reduce((a, b) => a + b, 0)).toBe(0);
    // 150 memberships + 12 disables at UserUpdate's 25/s (the first second's burst free): ~5.5 s.
    expect(seconds).toBeGreaterThan(4);
    expect(seconds).toBeLessThan(10);
    expect(limiter.calls.get('UserUpdate')).toBe(162);
    env.running.fake.setRateLimits({});
    expect(writableDifferences(prepared.target, await livePool(env, poolId))).toEqual([]);
  });

  it('a category throttled harder than the limiter thinks is slowed down and retried until every action is done', async () => {
    const poolId = seedPool(15);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    for (let i = 0; i < 15; i++)
      env.running.fake.call('AdminUpdateUserAttributes', {
        UserPoolId: poolId,
        Username: `user${String(i).padStart(3, '0')}`,
        UserAttributes: [{ Name: 'custom:tenant', Value: 'changed' }],
      });
    env.running.fake.setRateLimits({ UserUpdate: { perSecond: 5 } });
    env.running.fake.resetCounts();

    const { prepared, result, limiter } = await runRestore(
      env,
      { sourcePoolId: poolId, at, mode: 'undo' },
      { rates: { UserUpdate: 50 } },
    );
    expect(prepared.plan.tasks).toHaveLength(15);
    expect(result.outcomes).toHaveLength(15);
    expect(result.outcomes.every((o) => o.status === 'done' && o.kind === 'updateUserAttributes')).toBe(true);
    expect(result.ok).toBe(true);
    // Every refusal reached the limiter (the writer does not retry on its own), and only UserUpdate's.
    const refused = throttledInCategory('UserUpdate');
    expect(refused).toBeGreaterThan(0);
    expect(limiter.throttles.get('UserUpdate')).toBe(refused);
    expect(throttledByFake()).toBe(refused);
    expect(limiter.calls.get('UserUpdate')).toBe(15 + refused);
    env.running.fake.setRateLimits({});
    expect(writableDifferences(prepared.target, await livePool(env, poolId))).toEqual([]);
  });

  it('knows the quota category of every operation a restore calls (an unknown one would go unpaced)', () => {
    const reads = [
      'AdminGetUser',
      'AdminListGroupsForUser',
      'GetGroup',
      'DescribeUserPoolClient',
      'DescribeIdentityProvider',
      'DescribeResourceServer',
      'DescribeUserPool',
      'GetUserPoolMfaConfig',
      'DescribeUserPoolDomain',
      'GetUICustomization',
      'DescribeRiskConfiguration',
      'ListTagsForResource',
    ];
    for (const operation of [...Object.values(ACTION_OPERATION), ...reads]) {
      expect(OPERATIONS.has(operation), operation).toBe(true);
      expect(QUOTA_CATEGORIES, operation).toContain(operationCategory(operation));
    }
  });
});
