import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type ChangeRecord, deepEqual, toArray } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/local/stack/localStack.js';
import {
  nextSecond,
  run,
  type StackInTempDir,
  stackInTempDir,
  stateAtViaCli,
  truth,
} from './localStackTruth.testing.js';

/**
 * The local stack end to end, in this process: API calls through the tap's endpoint with the SDK,
 * captured by the capture handler through the local queue, with no backup command anywhere; then
 * `restore-cli state --local` at each step's time equals the pool as a full read found it then.
 */

let work: string;
let stack: LocalStack;
let cognito: CognitoIdentityProviderClient;
let running: StackInTempDir;

beforeAll(async () => {
  // Compaction and archiving run while the calls come in, as they would in a deployment.
  running = await stackInTempDir('local-stack', { snapshotEveryMs: 3_000, archiveEveryMs: 2_000 });
  ({ work, stack, cognito } = running);
}, 60_000);

afterAll(() => running?.stop());

const send = (command: Parameters<CognitoIdentityProviderClient['send']>[0]) => cognito.send(command);

async function steps(
  poolId: string,
  clientId: string,
): Promise<{ name: string; run: () => Promise<unknown> }[]> {
  const user = (Username: string) => ({ UserPoolId: poolId, Username });
  return [
    {
      name: 'create alice',
      run: () =>
        send(
          new AdminCreateUserCommand({
            ...user('alice'),
            MessageAction: 'SUPPRESS',
            TemporaryPassword: 'Secret-Temp-1!',
          }),
        ),
    },
    {
      name: 'set her tenant',
      run: () =>
        send(
          new AdminUpdateUserAttributesCommand({
            ...user('alice'),
            UserAttributes: [{ Name: 'custom:tenant', Value: 'acme' }],
          }),
        ),
    },
    {
      name: 'create admins, add her',
      run: async () => {
        await send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 1 }));
        await send(new AdminAddUserToGroupCommand({ ...user('alice'), GroupName: 'admins' }));
      },
    },
    {
      name: 'create bob in a temporary group',
      run: async () => {
        await send(new AdminCreateUserCommand({ ...user('bob'), MessageAction: 'SUPPRESS' }));
        await send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'temp' }));
        await send(new AdminAddUserToGroupCommand({ ...user('bob'), GroupName: 'temp' }));
      },
    },
    { name: 'disable alice', run: () => send(new AdminDisableUserCommand(user('alice'))) },
    // Capture cannot tell which users a deleted group had: it asks for a reconcile, which settles.
    {
      name: 'delete the group',
      run: () => send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'temp' })),
    },
    { name: 'delete bob', run: () => send(new AdminDeleteUserCommand(user('bob'))) },
    {
      name: 'pool settings',
      run: () =>
        send(
          new UpdateUserPoolCommand({
            UserPoolId: poolId,
            Policies: { PasswordPolicy: { MinimumLength: 14, RequireNumbers: true } },
          }),
        ),
    },
    {
      name: 'client settings',
      run: () =>
        send(
          new UpdateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientId: clientId,
            ClientName: 'web-renamed',
            RefreshTokenValidity: 7,
          }),
        ),
    },
  ];
}

async function newPool(name: string): Promise<{ poolId: string; clientId: string }> {
  const created = await send(
    new CreateUserPoolCommand({
      PoolName: name,
      Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
    }),
  );
  const poolId = created.UserPool?.Id ?? '';
  const client = await send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }));
  // Capture, then the snapshot handler's first full read of the new pool, then its first reconcile.
  await stack.settle();
  return { poolId, clientId: client.UserPoolClient?.ClientId ?? '' };
}

describe('the local stack: capture alone, state --local at every step', () => {
  it('equals the truth after each call, through users, groups, the pool and a client', async () => {
    const { poolId, clientId } = await newPool('tapped');
    const checkpoints: { name: string; at: string; truth: Awaited<ReturnType<typeof truth>> }[] = [];
    for (const step of await steps(poolId, clientId)) {
      await nextSecond();
      await step.run();
      await stack.settle();
      checkpoints.push({
        name: step.name,
        at: new Date().toISOString(),
        truth: await truth(cognito, poolId),
      });
    }
    for (const [index, { name, at, truth: expected }] of checkpoints.entries())
      expect({ name, state: await stateAtViaCli(work, poolId, at, `step-${index}`) }).toEqual({
        name,
        state: expected,
      });

    // Nothing secret reached the store: the tap masks the temporary password, and capture re-reads.
    const journal = await readFile(
      join(work, '.rewind', 'store', 'cognito-backup', poolId, 'changes', 'journal.log'),
      'utf8',
    );
    expect(journal).not.toContain('Secret-Temp-1!');
    expect(existsSync(join(work, '.rewind', 'local', 'dlq.ndjson'))).toBe(false);
    // Capture recorded every change, the membership the deleted group ended included (from the event,
    // at its time). (The new pool's first full read may also have written a baseline, a version 1,
    // for what it read before capture got there.)
    const records = await toArray(stack.store.changeLog.timeline(poolId));
    // cognito-local also moves a group's LastModifiedDate when its members change (real Cognito does
    // not, and capture re-reads only the user): a reconcile that runs a second later records the move.
    const movedDateOnly = (r: ChangeRecord) =>
      r.entity.startsWith('group:') && r.patch.every((op) => op.path === '/LastModifiedDate');
    const notCaptured = records.filter(
      (r) => r.source !== 'cloudtrail' && r.version > 1 && !movedDateOnly(r),
    );
    expect(notCaptured.map((r) => `${r.entity} ${r.source}`)).toEqual([]);
    const bob = await toArray(stack.store.changeLog.entityHistory(poolId, 'user:bob'));
    expect(bob.filter((r) => r.event?.name === 'DeleteGroup').map((r) => r.source)).toEqual(['cloudtrail']);
    // The scheduled handlers ran alongside: compacted snapshots and delta segments exist.
    const pool = join(work, '.rewind', 'store', 'cognito-backup', poolId);
    expect(
      (await readdir(join(pool, 'deltas'), { recursive: true })).some((f) => f.endsWith('.ndjson.gz')),
    ).toBe(true);
    const snapshots = await run(work, ['snapshots', '--local', '--pool', poolId, '--json']);
    expect(JSON.parse(snapshots.out).length).toBeGreaterThan(1);
  }, 60_000);
});

/** Whether any entity has two records of one event, or a record that repeats the state before it. */
function recordedTwice(records: readonly ChangeRecord[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const last = new Map<string, ChangeRecord>();
  for (const record of [...records].sort((a, b) => a.version - b.version)) {
    const eventId = record.event?.eventId;
    const key = `${record.entity} ${eventId}`;
    if (eventId !== undefined && seen.has(key)) problems.push(`${key}: twice`);
    seen.add(key);
    const previous = last.get(record.entity);
    // A late event's record may leave the present as it was and still tell the past (a creation
    // learned after the update of the same second): only a record that tells nothing earlier repeats.
    const tellsThePast = previous !== undefined && record.validFrom < previous.validFrom;
    // Under load the new pool's first full read can get to an entity before capture does: its baseline
    // (no event) is then followed by the event's record of the same state and second, which names who
    // made it. That adds the caller, and repeats nothing.
    const namesTheBaselinesCause =
      previous !== undefined &&
      previous.event === undefined &&
      record.event !== undefined &&
      record.validFrom <= previous.validFrom;
    // Two calls in one second (a client created, then updated) delivered out of order: Cognito's
    // whole-second LastModifiedDate cannot say the update's image is newer than the creation's head, so
    // capture records the update's call (its caller, its time) with the state unchanged, and the new
    // image when it read it. That record repeats the state on purpose: it names who called.
    const sameSecondCall =
      previous?.event !== undefined &&
      record.event !== undefined &&
      previous.event.eventId !== record.event.eventId &&
      previous.event.eventTime === record.event.eventTime;
    if (
      previous !== undefined &&
      !tellsThePast &&
      !sameSecondCall &&
      !namesTheBaselinesCause &&
      deepEqual(previous.after ?? undefined, record.after ?? undefined)
    )
      problems.push(`${record.entity} v${record.version} repeats v${previous.version}`);
    last.set(record.entity, record);
  }
  return problems;
}

describe('the local stack with delivery faults', () => {
  let faulty: LocalStack;
  let client: CognitoIdentityProviderClient;
  const dir = () => join(work, 'faulty');

  beforeAll(async () => {
    faulty = await startLocalStack({
      dir: join(dir(), '.rewind'),
      port: 0,
      faults: { duplicate: true, reorder: 3, drop: ({ eventName }) => eventName === 'AdminDisableUser' },
    });
    client = createCognitoClient({ endpoint: faulty.cognitoEndpoint, region: faulty.region });
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await faulty?.stop();
  });

  it('duplicated and reordered events: the final state equals the truth, each change recorded once', async () => {
    const created = await client.send(new CreateUserPoolCommand({ PoolName: 'faulty' }));
    const poolId = created.UserPool?.Id ?? '';
    await faulty.settle();
    const user = (Username: string) => ({ UserPoolId: poolId, Username });
    const web = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }));
    await client.send(new AdminCreateUserCommand({ ...user('carol'), MessageAction: 'SUPPRESS' }));
    await client.send(new AdminCreateUserCommand({ ...user('dan'), MessageAction: 'SUPPRESS' }));
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    await client.send(new AdminAddUserToGroupCommand({ ...user('carol'), GroupName: 'staff' }));
    await client.send(
      new AdminUpdateUserAttributesCommand({
        ...user('dan'),
        UserAttributes: [{ Name: 'email', Value: 'd@example.com' }],
      }),
    );
    await client.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientId: web.UserPoolClient?.ClientId,
        ClientName: 'web-2',
      }),
    );
    await faulty.settle();
    const at = new Date().toISOString();
    expect(await stateAtViaCli(dir(), poolId, at, 'faulty-final')).toEqual(await truth(client, poolId));
    const records = await toArray(faulty.store.changeLog.timeline(poolId));
    expect(records.filter((r) => r.source === 'cloudtrail').length).toBeGreaterThan(0);
    expect(recordedTwice(records)).toEqual([]);

    // A dropped event: the log does not know carol was disabled, until a reconcile reads the pool.
    await nextSecond();
    await client.send(new AdminDisableUserCommand(user('carol')));
    const called = new Date().toISOString();
    await faulty.settle();
    const dropped = new Date().toISOString();
    const repairsOfCarol = async () =>
      (await toArray(faulty.store.changeLog.entityHistory(poolId, 'user:carol'))).filter(
        (r) => r.source === 'reconcile',
      );
    // Under load the stack's own reconcile (one capture asked for) may read the pool first; then the
    // log knows already, from when that reconcile read it.
    const stackRepaired = (await repairsOfCarol()).length > 0;
    const before = await stateAtViaCli(dir(), poolId, dropped, 'faulty-dropped');
    if (!stackRepaired) expect(before.users.carol).toMatchObject({ enabled: true });
    expect((await truth(client, poolId)).users.carol).toMatchObject({ enabled: false });

    await nextSecond();
    let reconciled = await run(dir(), ['reconcile', '--local', '--pool', poolId]);
    // The running stack may move the same reconcile checkpoint meanwhile: the CLI then stops and says
    // to run it again, which is what a user does. Whichever run read carol records her drift once.
    const superseded = /stopped before the end/.test(reconciled.err);
    if (superseded) reconciled = await run(dir(), ['reconcile', '--local', '--pool', poolId]);
    expect(reconciled.err).toBe('');
    expect(reconciled.code).toBe(0);
    if (!superseded && !stackRepaired) expect(reconciled.out).toMatch(/drift {6}1 record/);
    const repairs = await repairsOfCarol();
    expect(repairs).toHaveLength(1);
    const repaired = new Date().toISOString();
    expect(await stateAtViaCli(dir(), poolId, repaired, 'faulty-repaired')).toEqual(
      await truth(client, poolId),
    );
    // The repair is dated when the reconcile read it, never back at the dropped call.
    expect((repairs[0]?.validFrom ?? '') >= called).toBe(true);
    if (!stackRepaired)
      expect((await stateAtViaCli(dir(), poolId, dropped, 'faulty-dropped-again')).users.carol).toMatchObject(
        { enabled: true },
      );
  }, 60_000);
});
