import {
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import type { Clock } from '../ports.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type RunningCognitoFake, startCognitoFake } from '../testing/cognitoFake/index.js';
import { type Sample, seedSamplePool } from '../testing/contracts/cognitoReader.sample.js';
import { MemoryBlobStore } from '../testing/memoryBlobStore.js';
import { MemoryChangeLog } from '../testing/memoryChangeLog.js';
import { takeBackup } from './takeBackup.js';

const ALL = {
  identityProviders: true,
  resourceServers: true,
  domain: true,
  uiCustomization: true,
  riskConfiguration: true,
  tags: true,
  userMfaPreferences: true,
};

/** One clock for the fake Cognito and for us, moved by hand. */
let now = Date.parse('2024-06-01T10:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
const iso = (ms: number) => new Date(ms).toISOString();

let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let sample: Sample;
const blobs = new MemoryBlobStore();
const store = { snapshots: new SnapshotStore(blobs), changeLog: new MemoryChangeLog() };
const backup = () =>
  takeBackup({ ...store, reader: new AwsCognitoReader(cognito, { pageSize: 2 }), clock }, sample.poolId);

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, now: clock.now });
  cognito = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1', baseDelayMs: 1 });
  sample = await seedSamplePool(cognito, ALL);
});

afterAll(async () => {
  cognito?.destroy();
  await running?.stop();
});

describe('takeBackup against a pool with every component (fake Cognito, pages of 2)', () => {
  const t1 = Date.parse('2024-06-01T10:01:00.000Z');
  const edit = Date.parse('2024-06-01T10:05:30.000Z');
  const t2 = Date.parse('2024-06-01T10:10:00.000Z');

  it('captures every component, and nothing is reported as not captured', async () => {
    now = t1;
    const first = await backup();
    expect(first.first).toBe(true);
    expect(first.changes).toBe(0);
    expect(first.notCaptured).toEqual([]);
    expect(first.manifest.counts).toEqual({
      client: 2,
      domain: 1,
      group: 3,
      idp: 3,
      mfa: 1,
      pool: 1,
      resourceServer: 3,
      riskConfiguration: 1,
      tags: 1,
      ui: 2,
      user: 6,
    });
    const state = await collectState(await stateAt(store, sample.poolId, iso(t1)));
    expect(state.users.alice?.mfa).toEqual({
      enabled: ['SOFTWARE_TOKEN_MFA'],
      preferred: 'SOFTWARE_TOKEN_MFA',
    });
    expect(state.users['carol~ops']?.groups).toEqual(['editors', 'viewers']);
    expect(state.tags).toEqual({ env: 'test', team: 'identity' });
    expect(Object.keys(state.uiCustomization).sort()).toEqual(['ALL', sample.webClientId].sort());
    expect(state.clients[sample.backendClientId]?.HasClientSecret).toBe(true);
  });

  it('never writes a client secret into the store', async () => {
    const { DescribeUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const described = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: sample.poolId, ClientId: sample.backendClientId }),
    );
    const secret = described.UserPoolClient?.ClientSecret ?? '';
    expect(secret.length).toBeGreaterThan(10);
    const text = [...blobs.objects.values()].map((b) => Buffer.from(b).toString('latin1')).join('');
    const snapshots = await store.snapshots.list(sample.poolId);
    for (const manifest of snapshots) {
      const opened = await store.snapshots.open(manifest);
      for await (const entry of opened.entries) expect(JSON.stringify(entry)).not.toContain(secret);
    }
    expect(text).not.toContain(secret);
  });

  it('a later backup records what changed, stamped with the most precise time it can trust', async () => {
    now = edit;
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: sample.poolId,
        Username: 'bob/builder',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'umbrella' }],
      }),
    );
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: sample.poolId, Username: 'eve' }));
    now = t2;
    const second = await backup();
    expect(second.first).toBe(false);
    const records = [];
    for await (const record of store.changeLog.timeline(sample.poolId)) records.push(record);
    const byEntity = Object.fromEntries(records.map((r) => [r.entity, r]));
    // Cognito dates come in whole seconds: the change happened at the latest at the end of 10:05:30.
    expect(byEntity['user:bob/builder']).toMatchObject({ validFrom: '2024-06-01T10:05:30.999Z', version: 1 });
    expect(byEntity['user:bob/builder']?.patch).toHaveLength(2);
    expect(byEntity['user:bob/builder']?.patch).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/attributes/custom:tenant', value: 'umbrella' },
        { op: 'replace', path: '/modifiedAt', value: '2024-06-01T10:05:30.000Z' },
      ]),
    );
    // A deletion has no date of its own: all we know is that it was gone when we looked.
    expect(byEntity['user:eve']).toMatchObject({ validFrom: iso(t2), after: null, source: 'reconcile' });

    const before = await collectState(await stateAt(store, sample.poolId, iso(edit - 1000)));
    const between = await collectState(await stateAt(store, sample.poolId, iso(edit + 5000)));
    const after = await collectState(await stateAt(store, sample.poolId, iso(t2)));
    expect(before.users['bob/builder']?.attributes).toMatchObject({ 'custom:tenant': 'acme' });
    expect(between.users['bob/builder']?.attributes).toMatchObject({ 'custom:tenant': 'umbrella' });
    expect(Object.keys(between.users)).toContain('eve');
    expect(Object.keys(after.users)).not.toContain('eve');
  });

  it('a backup of an unchanged pool records nothing', async () => {
    now = t2 + 60_000;
    const third = await backup();
    expect(third.changes).toBe(0);
    expect((await store.snapshots.list(sample.poolId)).length).toBe(3);
  });
});
