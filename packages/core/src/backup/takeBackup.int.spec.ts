import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { type Sample, seedSamplePool } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { makeRecord } from '../changes/makeRecord.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { Clock } from '../ports.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { takeBackup } from './takeBackup.js';

const IDP_SECRET = 'idp-secret-that-must-never-be-stored';

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
  await cognito.send(
    new CreateIdentityProviderCommand({
      UserPoolId: sample.poolId,
      ProviderName: 'Okta',
      ProviderType: 'OIDC',
      ProviderDetails: {
        client_id: 'okta-client',
        client_secret: IDP_SECRET,
        authorize_scopes: 'openid',
        oidc_issuer: 'https://okta.example.com',
        attributes_request_method: 'GET',
      },
    }),
  );
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
    // A baseline for every entity, so the head of any entity is one read of the change log: one
    // record, or two where Cognito dates the creation but not the memberships that followed it.
    expect(new Set(first.records.map((r) => r.entity)).size).toBe(first.manifest.entities);
    expect(first.records.filter((r) => r.version === 1).every((r) => r.prevHash === null)).toBe(true);
    expect(first.records.every((r) => r.version <= 2)).toBe(true);
    expect(first.notCaptured).toEqual([]);
    expect(first.manifest.counts).toEqual({
      client: 2,
      domain: 1,
      group: 3,
      idp: 4,
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

  it('never writes a client or identity-provider secret into the store', async () => {
    const described = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: sample.poolId, ClientId: sample.backendClientId }),
    );
    const clientSecret = described.UserPoolClient?.ClientSecret ?? '';
    expect(clientSecret.length).toBeGreaterThan(10);
    // Snapshots are gzip: search what they decode to, and every change record, in full.
    const stored: string[] = [];
    for (const manifest of await store.snapshots.list(sample.poolId)) {
      const opened = await store.snapshots.open(manifest);
      for await (const entry of opened.entries) stored.push(JSON.stringify(entry));
    }
    for await (const record of store.changeLog.timeline(sample.poolId)) stored.push(JSON.stringify(record));
    expect(stored.length).toBeGreaterThan(20);
    for (const text of stored) {
      expect(text).not.toContain(clientSecret);
      expect(text).not.toContain(IDP_SECRET);
    }
    const state = await collectState(await stateAt(store, sample.poolId, iso(now)));
    expect(state.identityProviders.Okta?.OmittedSecrets).toEqual(['client_secret']);
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
    expect(second.manifest.lastChangeId).toBe(
      records
        .map((r) => r.id)
        .sort()
        .at(-1),
    );
    // Cognito dates come in whole seconds: the change happened at the latest at the end of 10:05:30.
    // It continues the baseline the first backup wrote.
    expect(byEntity['user:bob/builder']).toMatchObject({ validFrom: '2024-06-01T10:05:30.999Z' });
    expect(byEntity['user:bob/builder']?.version).toBeGreaterThan(1);
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

  it('keeps entities in UTF-8 byte order, so usernames above U+FFFF replay and compare like S3 keys', async () => {
    // 😀 (U+1F600) sorts before ～ (U+FF5E) in UTF-16 code units, after it in UTF-8 bytes.
    for (const Username of ['～tilde', '😀smile', 'zz'])
      await cognito.send(
        new AdminCreateUserCommand({ UserPoolId: sample.poolId, Username, MessageAction: 'SUPPRESS' }),
      );
    now += 60_000;
    const result = await backup();
    const entries = await toArray((await store.snapshots.open(result.manifest)).entries);
    const users = entries.map((e) => e.key).filter((k) => /^user:(～|😀|zz)/u.test(k));
    expect(users).toEqual(['user:zz', 'user:～tilde', 'user:😀smile']);
    const state = await collectState(await stateAt(store, sample.poolId, result.manifest.at));
    expect(Object.keys(state.users)).toEqual(expect.arrayContaining(['～tilde', '😀smile']));
    for (const Username of ['～tilde', '😀smile', 'zz'])
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: sample.poolId, Username }));
    now += 60_000;
    await backup();
  });
});

describe('takeBackup when the store is damaged or already has history', () => {
  const fresh = () => {
    const freshBlobs = new MemoryBlobStore();
    return { blobs: freshBlobs, snapshots: new SnapshotStore(freshBlobs), changeLog: new MemoryChangeLog() };
  };
  const backupInto = (target: ReturnType<typeof fresh>) =>
    takeBackup({ ...target, reader: new AwsCognitoReader(cognito, { pageSize: 2 }), clock }, sample.poolId);

  it('goes on past a damaged manifest, says so, and never needs it again', async () => {
    const target = fresh();
    now += 60_000;
    await backupInto(target);
    now += 60_000;
    await backupInto(target);
    const manifests = [...target.blobs.objects.keys()].filter((k) => k.endsWith('.manifest.json')).sort();
    const newest = manifests.at(-1) ?? '';
    target.blobs.objects.set(newest, new TextEncoder().encode('{"not": "a manifest"'));
    now += 60_000;
    const third = await backupInto(target);
    expect(third.first).toBe(false);
    expect(third.changes).toBe(0);
    expect(third.warnings.join('\n')).toContain(newest.split('/').at(-1));

    for (const key of target.blobs.objects.keys())
      if (key.endsWith('.manifest.json')) target.blobs.objects.set(key, new TextEncoder().encode('garbage'));
    now += 60_000;
    const fourth = await backupInto(target);
    expect(fourth.first).toBe(true);
    expect(fourth.changes).toBe(0);
    const state = await collectState(await stateAt(target, sample.poolId, fourth.manifest.at));
    expect(Object.keys(state.users)).toHaveLength(5);
  });

  it('continues chains the change log already holds, and closes those the pool no longer has', async () => {
    const target = fresh();
    const ghost = makeRecord({
      poolId: sample.poolId,
      entity: 'user:ghost',
      head: { version: 0, hash: null, doc: null },
      after: { username: 'ghost', attributes: {}, enabled: true, status: 'CONFIRMED', groups: [] },
      validFrom: iso(now - 3_600_000),
      observedAt: iso(now - 3_600_000),
      source: 'cloudtrail',
    });
    await target.changeLog.append(ghost);
    now += 60_000;
    const first = await backupInto(target);
    expect(first.first).toBe(true);
    // A baseline for each entity of the pool, and the ghost's deletion.
    expect(new Set(first.records.map((r) => r.entity)).size).toBe(first.manifest.entities + 1);
    const history = [];
    for await (const record of target.changeLog.entityHistory(sample.poolId, 'user:ghost'))
      history.push(record);
    expect(history.map((r) => [r.version, r.after === null])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(verifyChain(history)).toEqual([]);
    expect(first.manifest.lastChangeId).toBe(
      first.records
        .map((r) => r.id)
        .sort()
        .at(-1),
    );
    const state = await collectState(await stateAt(target, sample.poolId, first.manifest.at));
    expect(Object.keys(state.users)).not.toContain('ghost');
  });
});
