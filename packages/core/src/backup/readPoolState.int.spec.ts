import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import type { CognitoReader } from '../ports.js';
import { type RunningCognitoFake, startCognitoFake } from '../testing/cognitoFake/index.js';
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
});
