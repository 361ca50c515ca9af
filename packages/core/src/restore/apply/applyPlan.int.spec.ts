import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  DeleteGroupCommand,
  DeleteIdentityProviderCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolDomainCommand,
  SetUICustomizationCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UpdateGroupCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  backupNow,
  clientLedger,
  type FakeRestoreEnv,
  livePool,
  mappedKey,
  runRestore,
  seedFullPool,
  startFakeRestoreEnv,
  takeBackupNow,
  writableDifferences,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRestoreJournal } from '../../adapters/memory/memoryRestoreJournal.js';
import { toArray } from '../../asyncIterables.js';
import { verifyChain } from '../../changes/verifyChain.js';
import { InvalidInputError } from '../../errors.js';
import type { EntityKey } from '../../model/entityKey.js';
import { summarizeJournal } from '../journal/restoreJournal.js';
import { buildRestoreReport } from './restoreReport.js';

let env: FakeRestoreEnv;

beforeAll(async () => {
  env = await startFakeRestoreEnv();
});

afterAll(async () => {
  await env?.stop();
});

/** A plain pool: groups `team` and `ops`, users in them. */
function seedSmallPool(users: string[]): string {
  const { fake } = env.running;
  const poolId = fake.createPool({
    PoolName: 'small',
    Schema: [{ Name: 'tenant', AttributeDataType: 'String' }],
  });
  fake.call('CreateGroup', { UserPoolId: poolId, GroupName: 'team', Description: 'The team', Precedence: 2 });
  fake.call('CreateGroup', { UserPoolId: poolId, GroupName: 'ops', Precedence: 1 });
  fake.seedUsers(
    poolId,
    users.map((username, i) => ({
      username,
      attributes: { email: `${username}@example.com`, 'custom:tenant': `t${i}` },
      groups: i % 2 === 0 ? ['team', 'ops'] : ['team'],
    })),
  );
  return poolId;
}

const deleteUser = (UserPoolId: string, Username: string) =>
  env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username }));

describe('applyPlan: failures', () => {
  it("reports a failed action with Cognito's error, skips the rest of that entity, and goes on with the others", async () => {
    const poolId = seedSmallPool(['ann', 'ben', 'cat', 'dan']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    for (const user of ['ann', 'ben', 'cat']) await deleteUser(poolId, user);
    env.running.fake.failNext('AdminCreateUser', { type: 'InternalErrorException', status: 500 });

    const { prepared, result, journal, limiter } = await runRestore(env, {
      sourcePoolId: poolId,
      at,
      mode: 'undo',
    });
    const failed = result.outcomes.filter((o) => o.status === 'failed');
    expect(failed).toHaveLength(1);
    const [failure] = failed;
    expect(failure).toMatchObject({
      kind: 'createUser',
      detail: expect.stringMatching(/^InternalErrorException: /),
    });
    const entity = failure?.entity as EntityKey;
    const rest = result.outcomes.filter((o) => o.entity === entity && o.status !== 'failed');
    expect(rest.map((o) => o.kind)).toEqual(
      prepared.plan.tasks
        .find((t) => t.entity === entity)
        ?.actions.slice(1)
        .map((a) => a.kind),
    );
    expect(rest.length).toBeGreaterThan(0);
    for (const skipped of rest)
      expect(skipped).toMatchObject({
        status: 'skipped',
        detail: `not attempted: createUser ${entity} failed`,
      });
    expect(rest.some((o) => o.conflict)).toBe(false);
    // The two other users are back; the failed one is still missing, and says so in the report.
    expect(result.outcomes.filter((o) => o.entity !== entity).every((o) => o.status === 'done')).toBe(true);
    expect(result.ok).toBe(false);
    const live = await livePool(env, poolId);
    expect(live.has(entity)).toBe(false);
    expect(writableDifferences(prepared.target, live)).toEqual([
      expect.stringMatching(new RegExp(`^${entity}: want .*, have null$`)),
    ]);
    const entries = await journal.read();
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'failed', action: failure?.action, error: failure?.detail }),
    );
    expect(entries.at(-1)).toMatchObject({ type: 'finished', ok: false });
    const summary = summarizeJournal(entries);
    expect(summary.inFlight).toEqual([]);
    expect(summary.done.has(failure?.action ?? '')).toBe(false);
    const report = buildRestoreReport(prepared.plan, result, limiter, summary);
    expect(report.totals).toMatchObject({ failed: 1, skipped: rest.length });
    expect(report.failures).toEqual(failed);
    expect(report.subLedger.map((s) => s.username).sort()).toEqual(
      ['ann', 'ben', 'cat'].filter((u) => `user:${u}` !== entity),
    );
  });

  it('refuses a plan with an action whose input is not what its kind takes, before any call', async () => {
    const poolId = seedSmallPool(['ann', 'ben']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    await deleteUser(poolId, 'ann');
    const journal = new MemoryRestoreJournal();
    const run = runRestore(
      env,
      { sourcePoolId: poolId, at, mode: 'undo' },
      {
        journal,
        // A plan read back from somewhere that lost a group name: JSON, as a file would hold it.
        beforeApply: async ({ plan }) => {
          const join = plan.tasks.flatMap((t) => t.actions).find((a) => a.kind === 'addToGroup');
          if (join !== undefined) Object.assign(join.input, JSON.parse('{"GroupName":null}'));
        },
      },
    );
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(
      /restore plan action "addToGroup user:ann \w+" is not valid: input of addToGroup: GroupName: .*nothing was changed/,
    );
    expect(journal.entries).toEqual([]);
    expect((await livePool(env, poolId)).has('user:ann')).toBe(false);
  });

  it('retries an action Cognito throttled, and reports the throttling', async () => {
    const poolId = seedSmallPool(['eve', 'fay']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    await env.cognito.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'team' }));
    env.running.fake.failNext('AdminAddUserToGroup', { type: 'TooManyRequestsException', times: 2 });
    const { result, limiter } = await runRestore(env, { sourcePoolId: poolId, at, mode: 'undo' });
    expect(result.outcomes.map((o) => [o.action, o.status]).sort()).toEqual([
      ['addToGroup user:eve team', 'done'],
      ['addToGroup user:fay team', 'done'],
      ['createGroup group:team', 'done'],
    ]);
    expect(limiter.throttles.get('UserUpdate')).toBe(2);
    expect(limiter.calls.get('UserUpdate')).toBe(4);
  });

  it('gives up on a call throttled more often than throttleRetries allows', async () => {
    const poolId = seedSmallPool(['gus']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    await env.cognito.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'ops', Precedence: 7 }));
    env.running.fake.failNext('UpdateGroup', { type: 'TooManyRequestsException', times: 3 });
    const { result } = await runRestore(
      env,
      { sourcePoolId: poolId, at, mode: 'undo' },
      { apply: { throttleRetries: 2 } },
    );
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        action: 'updateGroup group:ops',
        status: 'failed',
        detail: expect.stringMatching(/throttl|TooManyRequests/i),
      }),
    ]);
    expect(result.ok).toBe(false);
  });
});

describe('applyPlan: the read-back decides what was done', () => {
  it('reports a call Cognito answered but whose change the read-back does not show as failed, naming the field', async () => {
    const poolId = seedSmallPool(['lea', 'max']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    await env.cognito.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'ops', Precedence: 7 }));
    await env.cognito.send(
      new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'team', Description: 'broken', Precedence: 2 }),
    );
    // A fault: the endpoint answers UpdateGroup for ops with success and changes nothing.
    const lying = Object.assign(Object.create(env.writer), {
      updateGroup: async (pool: string, group: Record<string, unknown>) => {
        if (group.GroupName !== 'ops') await env.writer.updateGroup(pool, group);
      },
    });
    const { prepared, result, journal, limiter } = await runRestore(
      env,
      { sourcePoolId: poolId, at, mode: 'undo' },
      { apply: { writer: lying } },
    );
    expect(result.outcomes.find((o) => o.entity === 'group:team')).toMatchObject({ status: 'done' });
    const ops = result.outcomes.find((o) => o.entity === 'group:ops');
    expect(ops).toMatchObject({ kind: 'updateGroup', status: 'failed' });
    expect(ops?.detail).toContain('did not take');
    expect(ops?.detail).toContain('Precedence: before 7, wanted 1, after 7');
    expect(ops?.detail).not.toContain('Description');
    expect(result.ok).toBe(false);
    const report = buildRestoreReport(prepared.plan, result, limiter, summarizeJournal(await journal.read()));
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => f.entity)).toEqual(['group:ops']);
    expect(report.totals).toMatchObject({ done: 1, failed: 1 });
    const entries = await journal.read();
    // The journal keeps Cognito's answer (a re-run must not take the call for unanswered); the run is not ok.
    expect(
      entries.filter((e) => 'action' in e && e.action === 'updateGroup group:ops').map((e) => e.type),
    ).toEqual(['start', 'done']);
    expect(entries.at(-1)).toMatchObject({ type: 'finished', ok: false });
  });
});

describe('applyPlan: history that cannot be written', () => {
  it('a change log refusing every append never stops the restore: every wave runs, and the entities are listed', async () => {
    const poolId = seedSmallPool(['ned', 'ola']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    await env.cognito.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'ops' }));
    await deleteUser(poolId, 'ola');
    await env.cognito.send(new UpdateUserPoolCommand({ UserPoolId: poolId, DeletionProtection: 'ACTIVE' }));
    // A fault: the log answers every append with an error (a read-only archive, a store gone away).
    const refusing = Object.assign(Object.create(env.store.changeLog), {
      append: async () => {
        throw new Error('cannot append: the delta segments are an archive, read-only');
      },
    });
    const { prepared, result } = await runRestore(
      env,
      { sourcePoolId: poolId, at, mode: 'undo' },
      { apply: { changeLog: refusing } },
    );
    expect(new Set(prepared.plan.tasks.map((t) => t.phase))).toEqual(new Set(['pool', 'groups', 'users']));
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.historyNotWritten.sort()).toEqual(
      [...new Set(prepared.plan.tasks.map((t) => t.liveEntity))].sort(),
    );
    const live = await livePool(env, poolId);
    expect(writableDifferences(prepared.target, live)).toEqual([]);
  });
});

describe('applyPlan: the live pool changed after the plan was made', () => {
  it('leaves a changed entity alone and reports a conflict; nothing else is affected', async () => {
    const poolId = seedSmallPool(['hal', 'ida', 'jon', 'kim']);
    const at = await backupNow(env, poolId);
    env.advance(60_000);
    const UserPoolId = poolId;
    await env.cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId,
        Username: 'ida',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'broken' }],
      }),
    );
    await deleteUser(poolId, 'jon');
    await deleteUser(poolId, 'kim');
    await env.cognito.send(new UpdateGroupCommand({ UserPoolId, GroupName: 'team', Description: 'broken' }));

    const { prepared, result, journal } = await runRestore(
      env,
      { sourcePoolId: poolId, at, mode: 'undo' },
      {
        beforeApply: async () => {
          // Someone fixes ida by hand, differently, and re-creates jon, while the restore is planned.
          await env.cognito.send(
            new AdminUpdateUserAttributesCommand({
              UserPoolId,
              Username: 'ida',
              UserAttributes: [{ Name: 'custom:tenant', Value: 'by-hand' }],
            }),
          );
          await env.cognito.send(
            new AdminCreateUserCommand({ UserPoolId, Username: 'jon', MessageAction: 'SUPPRESS' }),
          );
        },
      },
    );
    expect(prepared.plan.tasks.map((t) => t.entity).sort()).toEqual([
      'group:team',
      'user:ida',
      'user:jon',
      'user:kim',
    ]);
    const byEntity = (entity: string) => result.outcomes.filter((o) => o.entity === entity);
    for (const entity of ['user:ida', 'user:jon']) {
      expect(byEntity(entity).length).toBe(
        prepared.plan.tasks.find((t) => t.entity === entity)?.actions.length,
      );
      for (const o of byEntity(entity)) expect(o).toMatchObject({ status: 'skipped', conflict: true });
    }
    for (const entity of ['user:kim', 'group:team'])
      for (const o of byEntity(entity)) expect(o).toMatchObject({ status: 'done' });
    expect(byEntity('user:kim').map((o) => o.kind)).toEqual(['createUser', 'addToGroup']);
    expect(result.ok).toBe(false);
    const entries = await journal.read();
    expect(entries.filter((e) => e.type === 'skipped').map((e) => e.type === 'skipped' && e.entity)).toEqual(
      result.outcomes.filter((o) => o.conflict).map((o) => o.entity),
    );
    // The hand-made changes are still there; the rest is as at T.
    const ida = await env.cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'ida' }));
    expect(ida.UserAttributes?.find((a) => a.Name === 'custom:tenant')?.Value).toBe('by-hand');
    const jon = await env.cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'jon' }));
    expect(jon.UserAttributes?.map((a) => a.Name)).toEqual(['sub']);
    const live = await livePool(env, poolId);
    const ignore = (key: EntityKey) => key === 'user:ida' || key === 'user:jon';
    expect(writableDifferences(prepared.target, live, { ignore })).toEqual([]);
  });
});

describe('applyPlan: history shows the restore', () => {
  it("appends a source 'restore' record for every changed entity, whose after is the entity as read back", async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const UserPoolId = pool.poolId;
    await deleteUser(UserPoolId, 'dave');
    await env.cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId,
        Username: 'bob',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'evil' }],
      }),
    );
    await env.cognito.send(new DeleteGroupCommand({ UserPoolId, GroupName: 'admins' }));
    await env.cognito.send(new DeleteIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta' }));
    await env.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId, ClientId: pool.backendClientId }));
    await env.cognito.send(new SetUICustomizationCommand({ UserPoolId, CSS: '.x { color: red; }' }));
    await env.cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId, Domain: pool.domain }));
    await env.cognito.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: { env: 'prod' } }));
    await env.cognito.send(
      new UpdateUserPoolCommand({
        UserPoolId,
        UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
        MfaConfiguration: 'OPTIONAL',
      }),
    );
    await env.cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'ON' }));
    env.advance(60_000);
    const restoredAt = env.clock.now().toISOString();

    const { prepared, result } = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    const live = await livePool(env, UserPoolId);
    expect(writableDifferences(prepared.target, live, { clientIds: clientLedger(result) })).toEqual([]);

    const records = (await toArray(env.store.changeLog.timeline(UserPoolId))).filter(
      (r) => r.source === 'restore',
    );
    const clientIds = clientLedger(result);
    const touched = new Set(prepared.plan.tasks.map((t) => mappedKey(t.liveEntity, clientIds)));
    expect(new Set(records.map((r) => r.entity))).toEqual(touched);
    for (const record of records) {
      expect(record.validFrom >= restoredAt).toBe(true);
      expect(record.event?.name).toBe('restore-cli restore');
    }
    for (const key of touched) {
      const history = await toArray(env.store.changeLog.entityHistory(UserPoolId, key));
      // The newest record is the entity as a backup reads it now: the pool's document too, which the
      // MFA and domain tasks changed after the pool task.
      expect({ key, after: history.at(-1)?.after }).toEqual({ key, after: live.get(key) ?? null });
      expect(history.at(-1)?.source).toBe('restore');
      // Each chain goes on from the backup's baseline without a break: the damage no backup saw comes
      // first, as a reconcile record, then the restore.
      expect(verifyChain(history), key).toEqual([]);
    }
    // After the backup's baseline: the damage, then its repair.
    const alice = (await toArray(env.store.changeLog.entityHistory(UserPoolId, 'user:alice'))).slice(-2);
    expect(alice.map((r) => r.source)).toEqual(['reconcile', 'restore']);
    expect(alice[0]?.after?.groups).toEqual(['staff']);
    expect(alice[1]?.after).toEqual(prepared.target.get('user:alice'));
    const dave = (await toArray(env.store.changeLog.entityHistory(UserPoolId, 'user:dave'))).slice(-2);
    expect(dave.map((r) => [r.source, r.after === null])).toEqual([
      ['reconcile', true],
      ['restore', false],
    ]);
    // Nothing else was written for entities the restore left alone: their chains end at the baseline.
    const others = (await toArray(env.store.changeLog.timeline(UserPoolId))).filter(
      (r) => !touched.has(r.entity) && r.validFrom > at,
    );
    expect(others).toEqual([]);
    // The log already says what the pool is: the next backup only records what the restore could not
    // undo and did not touch, the deletion of the old backend client (and of its UI customization).
    env.advance(60_000);
    const next = await takeBackupNow(env, UserPoolId);
    const reconciled = (await toArray(env.store.changeLog.timeline(UserPoolId))).filter(
      (r) => r.observedAt === next.finishedAt,
    );
    expect(reconciled.map((r) => [r.entity, r.after])).toEqual([
      [`client:${pool.backendClientId}`, null],
      [`ui:${pool.backendClientId}`, null],
    ]);
    expect(next.changes).toBe(2);
  });
});
