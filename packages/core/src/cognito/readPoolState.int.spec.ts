import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import type { CognitoReader } from '../ports.js';
import { readPoolState } from './readPoolState.js';

let running: RunningCognitoFake;
let reader: AwsCognitoReader;

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2 });
  reader = new AwsCognitoReader({ endpoint: running.endpoint, pageSize: 2, maxAttempts: 1 });
});

afterAll(async () => {
  reader.close();
  await running.stop();
});

describe('readPoolState while the pool changes under it', () => {
  it('leaves out a user deleted between ListUsers and its AdminGetUser', async () => {
    const { fake } = running;
    const poolId = fake.createPool({ PoolName: 'churn' });
    fake.call('SetUserPoolMfaConfig', {
      UserPoolId: poolId,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    for (const Username of ['ann', 'ben', 'cid'])
      fake.call('AdminCreateUser', { UserPoolId: poolId, Username, MessageAction: 'SUPPRESS' });
    // A real deletion, made in the fake just before the reader asks for ben's MFA settings.
    const churning: CognitoReader = Object.assign(Object.create(reader) as AwsCognitoReader, {
      getUserMfa: async (pool: string, username: string) => {
        if (username === 'ben') fake.call('AdminDeleteUser', { UserPoolId: pool, Username: 'ben' });
        return reader.getUserMfa(pool, username);
      },
    });
    const scan = await readPoolState(churning, poolId);
    expect(scan.entities.filter((e) => e.key.startsWith('user:')).map((e) => e.key)).toEqual([
      'user:ann',
      'user:cid',
    ]);
    expect(scan.notCaptured).toEqual([]);
  });

  it('leaves out a group deleted while its members are read, and every membership in it', async () => {
    const { fake } = running;
    const poolId = fake.createPool({ PoolName: 'churn-groups' });
    for (const GroupName of ['g1', 'g2', 'g3']) fake.call('CreateGroup', { UserPoolId: poolId, GroupName });
    fake.seedUsers(poolId, [
      { username: 'u1', groups: ['g1', 'g2'] },
      { username: 'u2', groups: ['g2'] },
      { username: 'u3', groups: ['g2', 'g3'] },
    ]);
    const churning: CognitoReader = Object.assign(Object.create(reader) as AwsCognitoReader, {
      listUsersInGroup: (pool: string, group: string) => {
        if (group === 'g2') fake.call('DeleteGroup', { UserPoolId: pool, GroupName: 'g2' });
        return reader.listUsersInGroup(pool, group);
      },
    });
    const scan = await readPoolState(churning, poolId);
    const docs = Object.fromEntries(scan.entities.map((e) => [e.key, e.doc]));
    expect(Object.keys(docs).filter((k) => k.startsWith('group:'))).toEqual(['group:g1', 'group:g3']);
    expect(docs['user:u1']?.groups).toEqual(['g1']);
    expect(docs['user:u2']?.groups).toEqual([]);
    expect(docs['user:u3']?.groups).toEqual(['g3']);
  });
});
