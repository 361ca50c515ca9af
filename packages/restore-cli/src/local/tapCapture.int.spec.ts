import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  captureEvent,
  type EntityKey,
  type JsonObject,
  parseCognitoEvent,
  readPoolState,
  type Store,
  stateAt,
  systemClock,
  takeBackup,
  toArray,
} from '@cognito-rewind/core';
import { openStore } from '@cognito-rewind/core/adapters';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudTrailTap, startCloudTrailTap } from './cloudTrailTap.js';

let work: string;
let local: Awaited<ReturnType<typeof startCognitoLocal>>;
let tap: CloudTrailTap;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;
let store: Store;
const events: unknown[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-tap-capture-'));
  local = await startCognitoLocal({ dataDir: join(work, 'cognito-local') });
  tap = await startCloudTrailTap({ target: local.endpoint, onEvent: (event) => void events.push(event) });
  cognito = createCognitoClient({ endpoint: tap.endpoint, region: 'us-east-1' });
  reader = new AwsCognitoReader({ endpoint: local.endpoint, region: 'us-east-1', maxAttempts: 1 });
  store = openStore(
    { kind: 'directory', dir: join(work, 'store') },
    { mustExist: false, cwd: work, env: {}, clock: systemClock },
  );
}, 60_000);

afterAll(async () => {
  cognito?.destroy();
  reader?.close();
  await tap?.stop();
  await local?.stop();
  await rm(work, { recursive: true, force: true });
});

/**
 * cognito-local moves a group's LastModifiedDate when a member is added (real Cognito does not, and
 * the catalogue re-reads only the user for membership calls): compared without it.
 */
const comparable = (key: EntityKey, doc: JsonObject): JsonObject => {
  if (!key.startsWith('group:')) return doc;
  const { LastModifiedDate: _moved, ...rest } = doc;
  return rest;
};

/** Users and groups of a pool as a full read finds them now: the truth state(T) must equal. */
async function truth(poolId: string): Promise<Map<EntityKey, JsonObject>> {
  const scan = await readPoolState(reader, poolId);
  return new Map(
    scan.entities.filter((e) => /^(user|group):/.test(e.key)).map((e) => [e.key, comparable(e.key, e.doc)]),
  );
}

async function replayed(poolId: string, at: string, from = store): Promise<Map<EntityKey, JsonObject>> {
  const state = await stateAt(from, poolId, at);
  const out = new Map<EntityKey, JsonObject>();
  for await (const entry of state.entities)
    if (/^(user|group):/.test(entry.key)) out.set(entry.key, comparable(entry.key, entry.doc));
  return out;
}

/** Hands every event the tap emitted so far to capture, as the SQS-fed handler will. */
async function captureAll(from = tap, queue = events, into = store): Promise<void> {
  await from.idle();
  for (const json of queue.splice(0)) {
    const parsed = parseCognitoEvent(json);
    if (!parsed.ok) throw new Error(parsed.reason);
    await captureEvent(
      { reader, changeLog: into.changeLog, clock: systemClock, snapshots: into.snapshots },
      parsed.event,
    );
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('API calls through the tap, captured, replay to the truth at every step', () => {
  it('state(T) after each captured step equals the pool as it was then, with only the first full read', async () => {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'tapped',
        Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
      }),
    );
    const poolId = created.UserPool?.Id ?? '';
    await tap.idle();
    events.splice(0);
    // The snapshot handler's first full read of a pool it has no snapshot of: baselines for all.
    await takeBackup(
      { reader, snapshots: store.snapshots, changeLog: store.changeLog, clock: systemClock },
      poolId,
    );

    const steps: { name: string; run: () => Promise<unknown> }[] = [
      {
        name: 'create alice',
        run: () =>
          cognito.send(
            new AdminCreateUserCommand({
              UserPoolId: poolId,
              Username: 'alice',
              MessageAction: 'SUPPRESS',
              TemporaryPassword: 'Secret-Temp-1!',
            }),
          ),
      },
      {
        name: 'set her tenant',
        run: () =>
          cognito.send(
            new AdminUpdateUserAttributesCommand({
              UserPoolId: poolId,
              Username: 'alice',
              UserAttributes: [{ Name: 'custom:tenant', Value: 'acme' }],
            }),
          ),
      },
      {
        name: 'create a group',
        run: () =>
          cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 1 })),
      },
      {
        name: 'add her to it',
        run: () =>
          cognito.send(
            new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }),
          ),
      },
      {
        name: 'create bob',
        run: () =>
          cognito.send(
            new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob', MessageAction: 'SUPPRESS' }),
          ),
      },
      {
        name: 'disable alice',
        run: () => cognito.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'alice' })),
      },
      {
        name: 'delete bob',
        run: () => cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' })),
      },
    ];
    const checkpoints: { name: string; at: string; truth: Map<EntityKey, JsonObject> }[] = [];
    for (const step of steps) {
      // Cognito dates changes in whole seconds: one step a second keeps each state its own instant.
      await pause();
      await step.run();
      await captureAll();
      checkpoints.push({ name: step.name, at: new Date().toISOString(), truth: await truth(poolId) });
    }
    // Nothing secret reached the store: the temporary password was masked by the tap, never re-read.
    const journal = await readFile(
      join(work, 'store', 'cognito-backup', poolId, 'changes', 'journal.log'),
      'utf8',
    );
    expect(journal).not.toContain('Secret-Temp-1!');
    for (const { name, at, truth: expected } of checkpoints)
      expect({ name, state: Object.fromEntries(await replayed(poolId, at)) }).toEqual({
        name,
        state: Object.fromEntries(expected),
      });
  }, 60_000);
});
describe('duplicated and dropped events', () => {
  it('a duplicate writes nothing twice; a dropped change is missing until a reconcile repairs it', async () => {
    const queue: unknown[] = [];
    const faulty = await startCloudTrailTap({
      target: local.endpoint,
      onEvent: (event) => void queue.push(event),
      faults: { duplicate: true, drop: ({ eventName }) => eventName === 'AdminDisableUser' },
    });
    const client = createCognitoClient({ endpoint: faulty.endpoint, region: 'us-east-1' });
    const into = openStore(
      { kind: 'directory', dir: join(work, 'faulty-store') },
      { mustExist: false, cwd: work, env: {}, clock: systemClock },
    );
    const reconcile = (poolId: string) =>
      takeBackup(
        { reader, snapshots: into.snapshots, changeLog: into.changeLog, clock: systemClock },
        poolId,
      );
    try {
      const poolId =
        (await client.send(new CreateUserPoolCommand({ PoolName: 'faulty' }))).UserPool?.Id ?? '';
      await faulty.idle();
      queue.splice(0);
      await reconcile(poolId);

      await pause();
      await client.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'carol', MessageAction: 'SUPPRESS' }),
      );
      await faulty.idle();
      expect(queue).toHaveLength(2);
      await captureAll(faulty, queue, into);
      const created = new Date().toISOString();
      expect(Object.fromEntries(await replayed(poolId, created, into))).toEqual(
        Object.fromEntries(await truth(poolId)),
      );
      const carol = await toArray(into.changeLog.entityHistory(poolId, 'user:carol'));
      expect(carol.filter((r) => r.source === 'cloudtrail')).toHaveLength(1);

      await pause();
      await client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'carol' }));
      await captureAll(faulty, queue, into);
      const dropped = new Date().toISOString();
      // The event never came: the log still says carol is enabled.
      expect((await replayed(poolId, dropped, into)).get('user:carol')).toMatchObject({ enabled: true });
      expect((await truth(poolId)).get('user:carol')).toMatchObject({ enabled: false });

      // Reconcile (the daily full read) records the drift.
      await pause();
      const reconciled = await reconcile(poolId);
      expect(reconciled.records.map((r) => r.entity)).toEqual(['user:carol']);
      expect(Object.fromEntries(await replayed(poolId, reconciled.finishedAt, into))).toEqual(
        Object.fromEntries(await truth(poolId)),
      );
    } finally {
      client.destroy();
      await faulty.stop();
    }
  }, 60_000);
});
