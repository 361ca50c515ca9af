import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  DescribeRiskConfigurationCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  ListUsersCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCognitoFake, startCognitoFake } from './index.js';

/** A clock the test moves by hand, so "modified later" is a value, not a race. */
let clock = new Date('2024-05-01T10:00:00.000Z');
const tick = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let poolId: string;

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, seed: 42, now: () => clock });
  cognito = createCognitoClient({ endpoint: running.endpoint, maxAttempts: 1 });
  const created = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'fake-spec',
      Schema: [
        { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
        { Name: 'born', AttributeDataType: 'String', Mutable: false },
      ],
    }),
  );
  poolId = created.UserPool?.Id ?? '';
});

afterEach(() => {
  running.fake.setRateLimits({});
  running.fake.clearFaults();
});

afterAll(async () => {
  cognito.destroy();
  await running.stop();
});

const post = (target: string, body: string) =>
  fetch(running.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });

describe('the Cognito fake over HTTP', () => {
  it('creates pools in AWS id format with the standard and custom schema', async () => {
    expect(poolId).toMatch(/^us-east-1_[0-9A-Za-z]{9}$/);
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    const names = UserPool?.SchemaAttributes?.map((a) => a.Name);
    expect(names).toEqual(expect.arrayContaining(['sub', 'email', 'custom:tenant', 'custom:born']));
    expect(UserPool?.CreationDate).toEqual(clock);
    expect(UserPool?.Arn).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`);
  });

  it('generates an immutable sub and refuses one from the caller', async () => {
    const { User } = await cognito.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'zed', MessageAction: 'SUPPRESS' }),
    );
    const sub = User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    expect(sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const attempt = (Username: string, Name: string) =>
      cognito.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username, UserAttributes: [{ Name, Value: 'x' }] }),
      );
    await expect(attempt('mallory', 'sub')).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(attempt('mallory', 'custom:nope')).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(attempt('zed', 'email')).rejects.toMatchObject({ name: 'UsernameExistsException' });
    const update = (Name: string) =>
      cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: poolId,
          Username: 'zed',
          UserAttributes: [{ Name, Value: 'y' }],
        }),
      );
    await expect(update('sub')).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(update('custom:born')).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('moves UserLastModifiedDate on a change, keeping milliseconds', async () => {
    await cognito.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'mod', MessageAction: 'SUPPRESS' }),
    );
    const created = clock;
    tick(1_234);
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: 'mod',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'acme' }],
      }),
    );
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'mod' }));
    expect(user.UserCreateDate).toEqual(created);
    expect(user.UserLastModifiedDate).toEqual(clock);
    expect(user.UserAttributes).toContainEqual({ Name: 'custom:tenant', Value: 'acme' });
  });

  it('pages with opaque tokens, honouring Limit under the page size, and refuses bad ones', async () => {
    const pool = running.fake.createPool({ PoolName: 'paged' });
    running.fake.seedUsers(
      pool,
      ['e', 'a', 'd', 'c', 'b'].map((username) => ({ username })),
    );
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const out = await cognito.send(
        new ListUsersCommand({ UserPoolId: pool, Limit: 60, PaginationToken: token }),
      );
      pages.push((out.Users ?? []).map((u) => u.Username ?? ''));
      token = out.PaginationToken;
    } while (token !== undefined);
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const one = await cognito.send(new ListUsersCommand({ UserPoolId: pool, Limit: 1 }));
    expect(one.Users).toHaveLength(1);
    const bad = (PaginationToken: string) =>
      cognito.send(new ListUsersCommand({ UserPoolId: pool, PaginationToken }));
    await expect(bad('not-a-token')).rejects.toMatchObject({ name: 'InvalidParameterException' });
    // A token is bound to the listing that issued it.
    const issued = await cognito.send(new ListUsersCommand({ UserPoolId: pool }));
    expect(issued.PaginationToken).toEqual(expect.any(String));
    const elsewhere = new ListUsersCommand({ UserPoolId: poolId, PaginationToken: issued.PaginationToken });
    await expect(cognito.send(elsewhere)).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(cognito.send(new ListUsersCommand({ UserPoolId: pool, Limit: 61 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('filters ListUsers by sub, as capture does to resolve CloudTrail events', async () => {
    const pool = running.fake.createPool({ PoolName: 'filter' });
    running.fake.seedUsers(pool, [
      { username: 'x' },
      { username: 'y', attributes: { email: 'y@example.com' } },
    ]);
    const sub = running.fake.pool(pool)?.users.get('y')?.sub;
    const out = await cognito.send(new ListUsersCommand({ UserPoolId: pool, Filter: `sub = "${sub}"` }));
    expect(out.Users?.map((u) => u.Username)).toEqual(['y']);
    const prefix = await cognito.send(new ListUsersCommand({ UserPoolId: pool, Filter: 'email ^= "y@"' }));
    expect(prefix.Users?.map((u) => u.Username)).toEqual(['y']);
  });

  it('resets settings UpdateUserPool leaves out, as AWS documents', async () => {
    const pool = running.fake.createPool({ PoolName: 'settings', DeletionProtection: 'ACTIVE' });
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId: pool, AutoVerifiedAttributes: ['email'] }));
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool }));
    expect(UserPool?.DeletionProtection).toBe('INACTIVE');
    expect(UserPool?.AutoVerifiedAttributes).toEqual(['email']);
  });

  it('drops memberships with a deleted group', async () => {
    const pool = running.fake.createPool({ PoolName: 'groups' });
    running.fake.call('CreateGroup', { UserPoolId: pool, GroupName: 'g' });
    running.fake.seedUsers(pool, [{ username: 'm', groups: ['g'] }]);
    await cognito.send(new DeleteGroupCommand({ UserPoolId: pool, GroupName: 'g' }));
    await expect(
      cognito.send(new GetGroupCommand({ UserPoolId: pool, GroupName: 'g' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(running.fake.pool(pool)?.users.get('m')?.groups.size).toBe(0);
  });

  it('describes risk configuration only with threat protection on, as AWS documents', async () => {
    const on = running.fake.createPool({
      PoolName: 'risk',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    });
    const describeRisk = (UserPoolId: string) =>
      cognito.send(new DescribeRiskConfigurationCommand({ UserPoolId }));
    expect((await describeRisk(on)).RiskConfiguration).toEqual({ UserPoolId: on });
    await expect(describeRisk(poolId)).rejects.toMatchObject({ name: 'UserPoolAddOnNotEnabledException' });
    await expect(
      cognito.send(new DescribeRiskConfigurationCommand({ UserPoolId: on, ClientId: 'nosuchclient' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('answers throttling from an empty bucket, per category', async () => {
    running.fake.setRateLimits({ UserPoolRead: { perSecond: 0.001, burst: 1 } });
    const describe = () => cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    await describe();
    await expect(describe()).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    // Another category still has its own budget.
    await cognito.send(new ListUsersCommand({ UserPoolId: poolId }));
  });

  it('speaks JSON 1.1 errors: unknown operations, bad JSON, injected faults', async () => {
    const unknown = await post('AWSCognitoIdentityProviderService.FlyToTheMoon', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation FlyToTheMoon',
    });
    const garbled = await post('AWSCognitoIdentityProviderService.ListUsers', '{nope');
    expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
    running.fake.failNext('DescribeUserPool', { type: 'InternalErrorException', status: 500 });
    const faulted = await post(
      'AWSCognitoIdentityProviderService.DescribeUserPool',
      JSON.stringify({ UserPoolId: poolId }),
    );
    expect(faulted.status).toBe(500);
    expect(faulted.headers.get('x-amzn-errortype')).toBe('InternalErrorException');
    const next = await post(
      'AWSCognitoIdentityProviderService.DescribeUserPool',
      JSON.stringify({ UserPoolId: poolId }),
    );
    expect(next.status).toBe(200);
    expect((await next.json()).UserPool.CreationDate).toBe(
      new Date('2024-05-01T10:00:00.000Z').getTime() / 1000,
    );
  });

  it('seeds 100,000 users in process, listed in order through the API', async () => {
    const pool = running.fake.createPool({ PoolName: 'big' });
    const users = Array.from({ length: 100_000 }, (_, i) => ({
      username: `user${String(i).padStart(6, '0')}`,
      attributes: { email: `user${i}@example.com` },
    }));
    running.fake.seedUsers(pool, users);
    expect(running.fake.pool(pool)?.users.size).toBe(100_000);
    expect(running.fake.pool(pool)?.subs.size).toBe(100_000);
    const first = await cognito.send(new ListUsersCommand({ UserPoolId: pool }));
    expect(first.Users?.map((u) => u.Username)).toEqual(['user000000', 'user000001']);
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool }));
    expect(UserPool?.EstimatedNumberOfUsers).toBe(100_000);
  });
});
