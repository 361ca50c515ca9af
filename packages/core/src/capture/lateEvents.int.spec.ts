import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  DeleteGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  cloudTrailEvent,
  newCapturedPool,
  type RunningCognitoFake,
  startCognitoFake,
  stateOf,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import { toArray } from '../asyncIterables.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { Clock } from '../ports.js';
import { prepareRestore } from '../restore/plan/prepareRestore.js';
import { captureEvent } from './captureEvent.js';
import type { CognitoEvent } from './eventSchema.js';

/**
 * Capture as AWS delivers: CloudTrail hands events over minutes late, in bursts and out of order,
 * and the re-read sees the pool as it is then. Each case here broke the history before capture
 * took what the call determines from the event and dated the rest by Cognito.
 */

let now = Date.parse('2024-06-01T10:00:00.300Z');
const clock: Clock = { now: () => new Date(now) };
let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, now: clock.now });
  cognito = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1', baseDelayMs: 1 });
  reader = new AwsCognitoReader(cognito, { pageSize: 2 });
});

afterAll(async () => {
  cognito?.destroy();
  await running?.stop();
});

const at = (minute: number, second = 0) =>
  Date.parse(`2024-06-01T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.300Z`);
const iso = (ms: number) => new Date(ms).toISOString();

async function subOf(poolId: string, username: string): Promise<string> {
  const user = await reader.getUser(poolId, username);
  return user?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
}

/** A user created and captured at once, as a pool's history starts. */
async function seedUser(pool: Awaited<ReturnType<typeof newCapturedPool>>, username: string, tenant: string) {
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: pool.poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'custom:tenant', Value: tenant }],
    }),
  );
  const sub = await subOf(pool.poolId, username);
  await captureEvent(pool.deps, created(pool.poolId, now, sub));
  return sub;
}

const created = (poolId: string, time: number, sub: string) =>
  cloudTrailEvent('AdminCreateUser', poolId, time, (d) => {
    d.additionalEventData.sub = sub;
  });

describe('capture of late, bursty and reordered events', () => {
  for (const order of ['in order', 'reversed'] as const)
    it(`an update then a deletion, both delivered after the deletion (${order}): bob exists until he was deleted, by whom`, async () => {
      now = at(0);
      const pool = await newCapturedPool(cognito, reader, clock);
      const sub = await seedUser(pool, 'bob', 'acme');
      now = at(1);
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.poolId,
          Username: 'bob',
          UserAttributes: [{ Name: 'custom:tenant', Value: 'globex' }],
        }),
      );
      const update = cloudTrailEvent('AdminUpdateUserAttributes', pool.poolId, now, (d) => {
        d.additionalEventData.sub = sub;
      });
      now = at(3);
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: 'bob' }));
      const deletion = cloudTrailEvent('AdminDeleteUser', pool.poolId, now, (d) => {
        d.additionalEventData.sub = sub;
        d.userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/Ops/mallory' };
      });
      now = at(8); // CloudTrail's ~5 minutes
      const events = order === 'in order' ? [update, deletion] : [deletion, update];
      for (const event of events) await captureEvent(pool.deps, event);

      // At 10:02 bob existed; the value the update wrote was never observed (he was gone before any read).
      const before = await stateOf(pool.deps, pool.poolId, at(2));
      expect(before.users.bob).toMatchObject({ username: 'bob' });
      // Its attributes as a whole: the update may have added or removed any of them.
      expect(before.unknown?.['user:bob']).toContain('/attributes');
      // Until the update he held what was recorded.
      expect((await stateOf(pool.deps, pool.poolId, at(0, 30))).users.bob?.attributes).toMatchObject({
        'custom:tenant': 'acme',
      });
      expect((await stateOf(pool.deps, pool.poolId, at(3, 1))).users.bob).toBeUndefined();
      const history = await toArray(pool.deps.changeLog.entityHistory(pool.poolId, 'user:bob'));
      const gone = history.find((record) => record.after === null || record.change?.whole === null);
      // The deletion is the deletion's, at its own time, caused by its caller.
      expect(gone).toMatchObject({
        validFrom: iso(Date.parse('2024-06-01T10:03:00.999Z')),
        event: { name: 'AdminDeleteUser', actorArn: 'arn:aws:sts::123456789012:assumed-role/Ops/mallory' },
        change: { whole: null },
      });
      const updated = history.find((record) => record.event?.name === 'AdminUpdateUserAttributes');
      expect(updated).toMatchObject({ validFrom: '2024-06-01T10:01:00.999Z' });
      expect(updated?.change).toEqual({ unknown: ['/attributes', '/modifiedAt'] });
      expect(verifyChain(history)).toEqual([]);
      // A restore to 10:02 brings bob back; the value nobody observed is said, not guessed.
      const { plan } = await prepareRestore(pool.deps, {
        sourcePoolId: pool.poolId,
        targetPoolId: pool.poolId,
        at: iso(at(2)),
        mode: 'undo',
      });
      const bob = plan.tasks.find((task) => task.entity === 'user:bob');
      expect(bob?.actions.map((action) => action.kind)).toContain('createUser');
      expect(plan.notes).toContainEqual(
        expect.objectContaining({ kind: 'unknownValue', entity: 'user:bob' }),
      );
    });

  it('a membership added at 10:03 and an update at 10:05, captured at 10:08, each land at their own time', async () => {
    now = at(0);
    const pool = await newCapturedPool(cognito, reader, clock);
    const sub = await seedUser(pool, 'carol', 'acme');
    now = at(3);
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: 'carol', GroupName: 'ops' }),
    );
    const joined = cloudTrailEvent('AdminAddUserToGroup', pool.poolId, now, (d) => {
      d.additionalEventData.sub = sub;
      d.requestParameters.groupName = 'ops';
    });
    now = at(5);
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool.poolId,
        Username: 'carol',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'initech' }],
      }),
    );
    const update = cloudTrailEvent('AdminUpdateUserAttributes', pool.poolId, now, (d) => {
      d.additionalEventData.sub = sub;
    });
    now = at(8);
    // The later call is delivered first.
    await captureEvent(pool.deps, update);
    await captureEvent(pool.deps, joined);
    const show = async (time: number) => (await stateOf(pool.deps, pool.poolId, time)).users.carol;
    expect(await show(at(2))).toMatchObject({ groups: [], attributes: { 'custom:tenant': 'acme' } });
    expect(await show(at(4))).toMatchObject({ groups: ['ops'], attributes: { 'custom:tenant': 'acme' } });
    expect(await show(at(6))).toMatchObject({ groups: ['ops'], attributes: { 'custom:tenant': 'initech' } });
    expect((await stateOf(pool.deps, pool.poolId, at(6))).unknown).toBeUndefined();
  });

  it('a burst of creates then updates, captured after all of them: every user exists from its creation', async () => {
    now = at(0);
    const pool = await newCapturedPool(cognito, reader, clock);
    const events: CognitoEvent[] = [];
    const names = Array.from({ length: 12 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    for (const name of names) {
      now += 40;
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.poolId,
          Username: name,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'custom:tenant', Value: 'acme' }],
        }),
      );
      events.push(created(pool.poolId, now, await subOf(pool.poolId, name)));
    }
    const allCreated = now;
    now += 2_000;
    for (const name of names) {
      now += 40;
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.poolId,
          Username: name,
          UserAttributes: [{ Name: 'custom:tenant', Value: 'globex' }],
        }),
      );
      const sub = await subOf(pool.poolId, name);
      events.push(
        cloudTrailEvent('AdminUpdateUserAttributes', pool.poolId, now, (d) => {
          d.additionalEventData.sub = sub;
        }),
      );
    }
    now += 300_000;
    // The updates arrive first, then the creates, each twice.
    for (const event of [...events.slice(names.length), ...events.slice(0, names.length), ...events])
      await captureEvent(pool.deps, event);
    const then = await stateOf(pool.deps, pool.poolId, allCreated);
    expect(Object.keys(then.users).sort()).toEqual(names);
    // What they held between their creation and the update was never read: said so, never guessed.
    for (const name of names) {
      expect(then.users[name]).toMatchObject({ status: 'FORCE_CHANGE_PASSWORD', enabled: true });
      expect(then.unknown?.[`user:${name}`]).toContain('/attributes');
    }
    const end = await stateOf(pool.deps, pool.poolId, now);
    expect(end.unknown).toBeUndefined();
    for (const name of names)
      expect(end.users[name]?.attributes).toMatchObject({ 'custom:tenant': 'globex' });
  });

  it("a group's deletion ends its memberships at its time, caused by the deletion's caller", async () => {
    now = at(0);
    const pool = await newCapturedPool(cognito, reader, clock);
    const subs = new Map<string, string>();
    for (const name of ['dan', 'erin']) {
      subs.set(name, await seedUser(pool, name, 'acme'));
      now += 1_000;
      await cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: name, GroupName: 'admins' }),
      );
      await captureEvent(
        pool.deps,
        cloudTrailEvent('AdminAddUserToGroup', pool.poolId, now, (d) => {
          d.additionalEventData.sub = subs.get(name);
          d.requestParameters.groupName = 'admins';
        }),
      );
    }
    now = at(4);
    await cognito.send(new DeleteGroupCommand({ UserPoolId: pool.poolId, GroupName: 'admins' }));
    const deletion = cloudTrailEvent('DeleteGroup', pool.poolId, now, (d) => {
      d.requestParameters.groupName = 'admins';
      d.userIdentity = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory' };
    });
    now = at(9);
    const outcome = await captureEvent(pool.deps, deletion);
    expect(outcome.forReconcile).toEqual([]);
    expect(outcome.appended.map((r) => [r.entity, r.validFrom, r.event?.actorArn]).sort()).toEqual([
      ['group:admins', '2024-06-01T10:04:00.999Z', 'arn:aws:iam::123456789012:user/mallory'],
      ['user:dan', '2024-06-01T10:04:00.999Z', 'arn:aws:iam::123456789012:user/mallory'],
      ['user:erin', '2024-06-01T10:04:00.999Z', 'arn:aws:iam::123456789012:user/mallory'],
    ]);
    expect((await stateOf(pool.deps, pool.poolId, at(3))).users.dan?.groups).toEqual(['admins']);
    expect((await stateOf(pool.deps, pool.poolId, at(5))).users.dan?.groups).toEqual([]);
    // Delivered again: nothing new.
    expect((await captureEvent(pool.deps, deletion)).appended).toEqual([]);
  });

  it('a user deleted and created again under the same name before either event arrives: two lives, apart', async () => {
    now = at(0);
    const pool = await newCapturedPool(cognito, reader, clock);
    const oldSub = await seedUser(pool, 'frank', 'acme');
    now = at(2);
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: 'frank' }));
    const deletion = cloudTrailEvent('AdminDeleteUser', pool.poolId, now, (d) => {
      d.additionalEventData.sub = oldSub;
    });
    now = at(4);
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: 'frank',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'evil' }],
      }),
    );
    const newSub = await subOf(pool.poolId, 'frank');
    const impostor = created(pool.poolId, now, newSub);
    now = at(9);
    await captureEvent(pool.deps, impostor);
    await captureEvent(pool.deps, deletion);
    const show = async (time: number) => (await stateOf(pool.deps, pool.poolId, time)).users.frank;
    expect((await show(at(1)))?.attributes).toMatchObject({ sub: oldSub, 'custom:tenant': 'acme' });
    expect(await show(at(3))).toBeUndefined();
    expect((await show(at(5)))?.attributes).toMatchObject({ sub: newSub, 'custom:tenant': 'evil' });
  });

  it('a restore leaves a field nobody observed as it is live, and says so', async () => {
    now = at(0);
    const pool = await newCapturedPool(cognito, reader, clock);
    const sub = await seedUser(pool, 'gail', 'acme');
    const update = async (tenant: string) => {
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.poolId,
          Username: 'gail',
          UserAttributes: [{ Name: 'custom:tenant', Value: tenant }],
        }),
      );
      return cloudTrailEvent('AdminUpdateUserAttributes', pool.poolId, now, (d) => {
        d.additionalEventData.sub = sub;
      });
    };
    now = at(1);
    const first = await update('initech');
    now = at(2);
    await update('globex');
    now = at(7);
    // Only the first event ever arrives: what it wrote was overwritten before the read.
    await captureEvent(pool.deps, first);
    const { plan } = await prepareRestore(pool.deps, {
      sourcePoolId: pool.poolId,
      targetPoolId: pool.poolId,
      at: iso(at(1, 30)),
      mode: 'exact',
    });
    expect(plan.tasks.filter((task) => task.entity === 'user:gail')).toEqual([]);
    expect(plan.notes).toContainEqual({
      kind: 'unknownValue',
      entity: 'user:gail',
      message: expect.stringContaining('/attributes'),
    });
  });
});
