import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EntityGoneError, PoolNotFoundError } from '../../errors.js';
import { AwsCognitoReader } from './awsCognitoReader.js';
import { createCognitoClient } from './cognitoClient.js';

/*
 * A backup scans a pool for minutes or hours while people keep changing it. Whatever is deleted
 * between a listing and the read of its details is skipped; only a pool that is gone stops the scan.
 * The deletions below are real ones, made in the fake between two steps of the reader's iteration.
 */

let running: RunningCognitoFake;
let reader: AwsCognitoReader;

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2 });
  reader = new AwsCognitoReader({ endpoint: running.endpoint, pageSize: 2, maxAttempts: 1 });
});

afterEach(() => {
  running.fake.clearFaults();
  running.fake.resetCounts();
});

afterAll(async () => {
  reader.close();
  await running.stop();
});

/** Collects every item, calling `between` once after the first one arrives. */
async function collectDeleting<T>(items: AsyncIterable<T>, between: () => void): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    if (out.length === 0) between();
    out.push(item);
  }
  return out;
}

function poolWithClients(names: readonly string[]): { poolId: string; ids: string[] } {
  const { fake } = running;
  const poolId = fake.createPool({ PoolName: 'churn', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
  const ids = names.map((ClientName) => {
    const out = fake.call('CreateUserPoolClient', { UserPoolId: poolId, ClientName });
    return String((out.UserPoolClient as { ClientId?: string } | undefined)?.ClientId);
  });
  // Pages come in client-id order, so the first page holds the two smallest ids.
  ids.sort();
  return { poolId, ids };
}

describe('AwsCognitoReader: entities deleted mid-scan', () => {
  it('skips an app client deleted between ListUserPoolClients and DescribeUserPoolClient', async () => {
    const { poolId, ids } = poolWithClients(['c1', 'c2', 'c3']);
    const [first, second, third] = ids;
    const clients = await collectDeleting(reader.listClients(poolId), () =>
      running.fake.call('DeleteUserPoolClient', { UserPoolId: poolId, ClientId: second ?? '' }),
    );
    expect(clients.map((c) => c.ClientId)).toEqual([first, third]);
    expect(running.fake.callCount('DescribeUserPoolClient')).toBe(3);
    // The ambiguous ResourceNotFoundException was checked against the pool, which is still there.
    expect(running.fake.callCount('DescribeUserPool')).toBe(1);
  });

  it('skips an identity provider deleted between ListIdentityProviders and DescribeIdentityProvider', async () => {
    const { poolId } = poolWithClients([]);
    const ProviderDetails = {
      client_id: 'x',
      authorize_scopes: 'openid',
      oidc_issuer: 'https://idp.example',
    };
    for (const ProviderName of ['p1', 'p2', 'p3']) {
      running.fake.call('CreateIdentityProvider', {
        UserPoolId: poolId,
        ProviderName,
        ProviderType: 'OIDC',
        ProviderDetails,
      });
    }
    const providers = await collectDeleting(reader.listIdentityProviders(poolId), () =>
      running.fake.call('DeleteIdentityProvider', { UserPoolId: poolId, ProviderName: 'p2' }),
    );
    expect(providers.map((p) => p.ProviderName)).toEqual(['p1', 'p3']);
  });

  it('says a group deleted before or during ListUsersInGroup is gone, never returns part of its members', async () => {
    const { poolId } = poolWithClients([]);
    const { fake } = running;
    for (const GroupName of ['gone', 'going']) fake.call('CreateGroup', { UserPoolId: poolId, GroupName });
    fake.seedUsers(
      poolId,
      ['u1', 'u2', 'u3'].map((username) => ({ username, groups: ['going'] })),
    );
    fake.call('DeleteGroup', { UserPoolId: poolId, GroupName: 'gone' });
    const before = await collectDeleting(reader.listUsersInGroup(poolId, 'gone'), () => undefined).catch(
      (e: unknown) => e,
    );
    expect(before).toBeInstanceOf(EntityGoneError);
    expect(before).toMatchObject({ entity: 'group:gone' });
    // The first page (u1, u2) is already read when the group goes; the next page says it is gone.
    const during = await collectDeleting(reader.listUsersInGroup(poolId, 'going'), () =>
      fake.call('DeleteGroup', { UserPoolId: poolId, GroupName: 'going' }),
    ).catch((e: unknown) => e);
    expect(during).toBeInstanceOf(EntityGoneError);
    expect(fake.callCount('ListUsersInGroup')).toBe(3);
  });

  it('answers undefined for a user deleted while its groups are paged, never part of them', async () => {
    const { poolId } = poolWithClients([]);
    const { fake } = running;
    for (const GroupName of ['a', 'b', 'c']) fake.call('CreateGroup', { UserPoolId: poolId, GroupName });
    fake.seedUsers(poolId, [{ username: 'leaving', groups: ['a', 'b', 'c'] }]);
    expect(await reader.listGroupsForUser(poolId, 'leaving')).toEqual(['a', 'b', 'c']);
    // The user goes right after the first page (a, b) arrives.
    const client = createCognitoClient({ endpoint: running.endpoint, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'AdminListGroupsForUserCommand') {
          fake.call('AdminDeleteUser', { UserPoolId: poolId, Username: 'leaving' });
        }
        return out;
      },
      { step: 'initialize' },
    );
    try {
      fake.resetCounts();
      const paged = new AwsCognitoReader(client, { pageSize: 2 });
      expect(await paged.listGroupsForUser(poolId, 'leaving')).toBeUndefined();
      expect(fake.callCount('AdminListGroupsForUser')).toBe(2);
      expect(await paged.getUser(poolId, 'leaving')).toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  it("answers undefined for a deleted user's MFA settings and a deleted client's UI customisation", async () => {
    const { poolId, ids } = poolWithClients(['c1']);
    running.fake.seedUsers(poolId, [{ username: 'stays' }]);
    expect(await reader.getUserMfa(poolId, 'left-already')).toBeUndefined();
    expect(await reader.getUserMfa(poolId, 'stays')).toEqual({});
    running.fake.call('DeleteUserPoolClient', { UserPoolId: poolId, ClientId: ids[0] ?? '' });
    expect(await reader.getUiCustomization(poolId, ids[0])).toBeUndefined();
  });

  it('stops with PoolNotFoundError when the pool itself is deleted mid-scan', async () => {
    const { poolId, ids } = poolWithClients(['c1', 'c2', 'c3']);
    const scan = collectDeleting(reader.listClients(poolId), () =>
      running.fake.call('DeleteUserPool', { UserPoolId: poolId }),
    );
    const error = await scan.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolNotFoundError);
    expect(error).toMatchObject({ poolId });
    await expect(reader.getUserMfa(poolId, 'anyone')).rejects.toBeInstanceOf(PoolNotFoundError);
    await expect(reader.getUiCustomization(poolId, ids[0])).rejects.toBeInstanceOf(PoolNotFoundError);
    await expect(reader.getRiskConfiguration(poolId)).rejects.toBeInstanceOf(PoolNotFoundError);
    const group = reader.listUsersInGroup(poolId, 'any');
    await expect(collectDeleting(group, () => undefined)).rejects.toBeInstanceOf(PoolNotFoundError);
  });

  it('still fails on other errors of the same reads', async () => {
    const { poolId } = poolWithClients(['c1']);
    running.fake.failNext('DescribeUserPoolClient', { type: 'InvalidParameterException' });
    const error = await collectDeleting(reader.listClients(poolId), () => undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('AwsCognitoReader: components that are not configured', () => {
  const RISK = { RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'] } };

  it('reads no risk configuration on a pool without threat protection (UserPoolAddOnNotEnabledException)', async () => {
    const { fake } = running;
    const off = fake.createPool({ PoolName: 'no-threat-protection' });
    expect(await reader.getRiskConfiguration(off)).toBeUndefined();
    expect(fake.callCount('DescribeRiskConfiguration')).toBe(1);
    expect(fake.callCount('DescribeUserPool')).toBe(0);
  });

  it('reads the risk configuration while the add-on is on, and none once it is turned off', async () => {
    const { fake } = running;
    const poolId = fake.createPool({
      PoolName: 'toggled',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    fake.call('SetRiskConfiguration', { UserPoolId: poolId, ...RISK });
    expect(await reader.getRiskConfiguration(poolId)).toMatchObject(RISK);
    fake.call('UpdateUserPool', { UserPoolId: poolId, UserPoolAddOns: { AdvancedSecurityMode: 'OFF' } });
    expect(await reader.getRiskConfiguration(poolId)).toBeUndefined();
  });

  it('does not swallow other errors of DescribeRiskConfiguration', async () => {
    const { fake } = running;
    const poolId = fake.createPool({ PoolName: 'faulty', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
    fake.failNext('DescribeRiskConfiguration', { type: 'NotAuthorizedException' });
    await expect(reader.getRiskConfiguration(poolId)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });
});
