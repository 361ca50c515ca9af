import { createServer } from 'node:net';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import type { RunningCognitoFake } from '@cognito-rewind/testkit';
import { startCognitoFake } from '@cognito-rewind/testkit';
import { CORE_COMPONENTS_ONLY, cognitoReaderContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import {
  CognitoThrottledError,
  ComponentUnsupportedError,
  EndpointUnreachableError,
  PoolNotFoundError,
} from '../../errors.js';
import { AwsCognitoReader, type AwsCognitoReaderOptions } from './awsCognitoReader.js';

// Millisecond backoff keeps retried calls fast; the behaviour under test is the same as with AWS's delays.
const FAST = { baseDelayMs: 2, throttlingBaseDelayMs: 2, maxDelayMs: 50, retryMode: 'standard' } as const;

function readerFactory(endpoint: string) {
  const readers: AwsCognitoReader[] = [];
  return {
    make: (options: AwsCognitoReaderOptions = {}) => {
      const reader = new AwsCognitoReader({ endpoint, ...FAST, ...options });
      readers.push(reader);
      return reader;
    },
    closeAll: () => {
      for (const reader of readers) reader.close();
    },
  };
}

cognitoReaderContract('cognito-local', async () => {
  const local = await startCognitoLocal();
  const readers = readerFactory(local.endpoint);
  return {
    endpoint: local.endpoint,
    makeReader: (pageSize) => readers.make({ pageSize }),
    supports: { ...CORE_COMPONENTS_ONLY, paginates: false },
    stop: async () => {
      readers.closeAll();
      await local.stop();
    },
  };
});

cognitoReaderContract('in-memory fake, pages of 2', async () => {
  const running = await startCognitoFake({ pageSize: 2 });
  const readers = readerFactory(running.endpoint);
  return {
    endpoint: running.endpoint,
    makeReader: (pageSize = 2) => readers.make({ pageSize }),
    supports: Object.fromEntries(
      Object.keys(CORE_COMPONENTS_ONLY).map((k) => [k, true]),
    ) as unknown as typeof CORE_COMPONENTS_ONLY,
    stop: async () => {
      readers.closeAll();
      await running.stop();
    },
  };
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('AwsCognitoReader against the fake: paging, throttling, faults', () => {
  let running: RunningCognitoFake;
  let readers: ReturnType<typeof readerFactory>;
  let poolId: string;
  let poolArn: string;

  beforeAll(async () => {
    running = await startCognitoFake({ pageSize: 2 });
    readers = readerFactory(running.endpoint);
    const { fake } = running;
    poolId = fake.createPool({ PoolName: 'paging', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
    poolArn = fake.pool(poolId)?.arn ?? '';
    for (const GroupName of ['a', 'b', 'c']) fake.call('CreateGroup', { UserPoolId: poolId, GroupName });
    fake.seedUsers(
      poolId,
      ['u1', 'u2', 'u3', 'u4', 'u5'].map((username, i) => ({
        username,
        groups: i === 0 ? ['a', 'b', 'c'] : i < 3 ? ['a'] : ['b'],
      })),
    );
    for (const name of ['c1', 'c2', 'c3'])
      fake.call('CreateUserPoolClient', { UserPoolId: poolId, ClientName: name });
    for (const ProviderName of ['p1', 'p2', 'p3']) {
      const ProviderDetails = {
        client_id: 'x',
        authorize_scopes: 'openid',
        oidc_issuer: 'https://issuer.example',
      };
      fake.call('CreateIdentityProvider', {
        UserPoolId: poolId,
        ProviderName,
        ProviderType: 'OIDC',
        ProviderDetails,
      });
    }
    for (const Identifier of ['r1', 'r2', 'r3']) {
      fake.call('CreateResourceServer', { UserPoolId: poolId, Identifier, Name: Identifier });
    }
  });

  afterEach(() => {
    running.fake.clearFaults();
    running.fake.setRateLimits({});
    running.fake.resetCounts();
  });

  afterAll(async () => {
    readers.closeAll();
    await running.stop();
  });

  it('follows every pagination token of every list operation', async () => {
    const reader = readers.make({ pageSize: 2 });
    const { fake } = running;
    expect(await toArray(reader.listUsers(poolId))).toHaveLength(5);
    expect(await toArray(reader.listGroups(poolId))).toHaveLength(3);
    expect(await toArray(reader.listUsersInGroup(poolId, 'a'))).toEqual(['u1', 'u2', 'u3']);
    expect(await toArray(reader.listClients(poolId))).toHaveLength(3);
    expect(await toArray(reader.listIdentityProviders(poolId))).toHaveLength(3);
    expect(await toArray(reader.listResourceServers(poolId))).toHaveLength(3);
    expect(await reader.listGroupsForUser(poolId, 'u1')).toEqual(['a', 'b', 'c']);
    const calls = Object.fromEntries(
      [
        'ListUsers',
        'ListGroups',
        'ListUsersInGroup',
        'ListUserPoolClients',
        'DescribeUserPoolClient',
        'ListIdentityProviders',
        'DescribeIdentityProvider',
        'ListResourceServers',
        'AdminListGroupsForUser',
      ].map((op) => [op, fake.callCount(op)]),
    );
    expect(calls).toEqual({
      ListUsers: 3,
      ListGroups: 2,
      ListUsersInGroup: 2,
      ListUserPoolClients: 2,
      DescribeUserPoolClient: 3,
      ListIdentityProviders: 2,
      DescribeIdentityProvider: 3,
      ListResourceServers: 2,
      AdminListGroupsForUser: 2,
    });
  });

  it('asks for its own page size when the server allows more', async () => {
    const reader = readers.make({ pageSize: 1 });
    expect(await toArray(reader.listUsers(poolId))).toHaveLength(5);
    expect(running.fake.callCount('ListUsers')).toBe(5);
  });

  it('retries throttled calls until the rate bucket refills, and then succeeds', async () => {
    running.fake.setRateLimits({ UserList: { perSecond: 5, burst: 1 } });
    const reader = readers.make({ pageSize: 2, maxAttempts: 30, maxDelayMs: 40 });
    const users = await toArray(reader.listUsers(poolId));
    expect(users.map((u) => u.Username)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(running.fake.throttledCount('ListUsers')).toBeGreaterThan(0);
  });

  it('retries injected throttling and transient server errors', async () => {
    const { fake } = running;
    fake.failNext('ListGroups', { type: 'TooManyRequestsException', times: 2 });
    fake.failNext('ListGroups', { type: 'InternalErrorException', status: 500 });
    const reader = readers.make({ pageSize: 2, maxAttempts: 5 });
    expect(await toArray(reader.listGroups(poolId))).toHaveLength(3);
    expect(fake.callCount('ListGroups')).toBe(2 + 3);
  });

  it('gives up on persistent throttling after maxAttempts with a named error', async () => {
    running.fake.failNext('DescribeUserPool', { type: 'TooManyRequestsException', times: 100 });
    const reader = readers.make({ maxAttempts: 3 });
    const error = await reader.describeUserPool(poolId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoThrottledError);
    expect(error).toMatchObject({ operation: 'DescribeUserPool', attempts: 3 });
    expect(running.fake.callCount('DescribeUserPool')).toBe(3);
  });

  it.each([
    ['CognitoLocal#Unsupported', 500],
    ['UnknownOperationException', 400],
    ['InvalidAction', 400],
  ])('treats %s as unsupported and does not retry it', async (type, status) => {
    running.fake.failNext('ListTagsForResource', { type, status, times: 5 });
    const reader = readers.make({ maxAttempts: 5 });
    const error = await reader.listTags(poolArn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentUnsupportedError);
    expect(error).toMatchObject({ component: 'tags' });
    expect(running.fake.callCount('ListTagsForResource')).toBe(1);
  });

  it('names a missing pool on any pool-level read', async () => {
    const reader = readers.make();
    await expect(reader.describeUserPool('us-east-1_Missing1')).rejects.toBeInstanceOf(PoolNotFoundError);
    await expect(toArray(reader.listUsers('us-east-1_Missing1'))).rejects.toBeInstanceOf(PoolNotFoundError);
  });

  it('reports an endpoint with nothing listening as unreachable, without retrying', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const reader = new AwsCognitoReader({ endpoint, maxAttempts: 5 });
    try {
      const error = await reader.describeUserPool(poolId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointUnreachableError);
      expect(error).toMatchObject({ endpoint });
      expect((error as { cause?: { $metadata?: { attempts?: number } } }).cause?.$metadata?.attempts).toBe(1);
    } finally {
      reader.close();
    }
  });

  it('reads only what exists: no domain, UI or risk settings gives undefined, no tags {}', async () => {
    const reader = readers.make();
    expect(await reader.describeDomain('no-such-domain')).toBeUndefined();
    expect(await reader.getUiCustomization(poolId)).toBeUndefined();
    expect(await reader.getRiskConfiguration(poolId)).toBeUndefined();
    expect(await reader.listTags(poolArn)).toEqual({});
    expect(await reader.getUserMfa(poolId, 'u1')).toEqual({});
  });

  it('shares a client handed to it and names its endpoint in errors', async () => {
    const { createCognitoClient } = await import('./cognitoClient.js');
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const client = createCognitoClient({ endpoint, maxAttempts: 1 });
    const reader = new AwsCognitoReader(client, { pageSize: 2 });
    await expect(reader.describeUserPool(poolId)).rejects.toMatchObject({ endpoint });
    client.destroy();
  });
});
