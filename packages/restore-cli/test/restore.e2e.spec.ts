import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type EntityKey, type JsonObject, stateAt } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoPool } from '../src/demo/demoPool.js';
import { openLocalStore } from './localStore.testing.js';
import { type RestoreFixture, startRestoreFixture, writable } from './restoreFixture.js';

const KINDS = ['user', 'group', 'client', 'pool', 'mfa'];

let fx: RestoreFixture;

/** `restore-cli --at <at> --pool <poolId>` against the fixture's store and cognito-local. */
const restore = (poolId: string, at: string, ...more: string[]) =>
  fx.run('--at', at, '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint, ...more);

async function stateOf(poolId: string, at: string): Promise<Map<EntityKey, JsonObject>> {
  const result = await stateAt(openLocalStore(fx.store, { mustExist: true }), poolId, at);
  const out = new Map<EntityKey, JsonObject>();
  for await (const entry of result.entities) out.set(entry.key, entry.doc);
  return out;
}

/** A new, empty pool with these custom String attributes. */
async function emptyPool(name: string, customAttributes: string[]): Promise<string> {
  const send = fx.cognito.send.bind(fx.cognito) as (
    command: unknown,
  ) => Promise<{ UserPool?: { Id?: string } }>;
  const Schema = customAttributes.map((Name) => ({
    Name,
    AttributeDataType: 'String' as const,
    Mutable: true,
  }));
  const created = await send(new CreateUserPoolCommand({ PoolName: name, Schema }));
  return created.UserPool?.Id ?? '';
}

/** A pool with a backup, then a bad afternoon: returns the pool and the time to go back to. */
async function brokenPool(): Promise<{ poolId: string; at: string }> {
  const poolId = await createDemoPool(fx.cognito);
  const backup = await fx.run('backup', '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint);
  expect(backup.code).toBe(0);
  const at = /at (\S+)/.exec(backup.out)?.[1] ?? '';
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const send = fx.cognito.send.bind(fx.cognito) as (command: unknown) => Promise<unknown>;
  await send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' }));
  await send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: poolId,
      Username: 'ops/dave',
      UserAttributes: [
        { Name: 'custom:plan', Value: 'enterprise' },
        { Name: 'email', Value: 'dave@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'alice' }));
  await send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'carol' }));
  await send(
    new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }),
  );
  await send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'viewers' }));
  await send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'interns', Precedence: 20 }));
  await send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'frank',
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'frank@example.com' }],
    }),
  );
  await send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'frank', GroupName: 'interns' }));
  const { UserPoolClients = [] } = (await send(
    new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 10 }),
  )) as { UserPoolClients?: { ClientId?: string; ClientName?: string }[] };
  const web = UserPoolClients.find((c) => c.ClientName === 'web-app');
  await send(
    new UpdateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientId: web?.ClientId,
      ClientName: 'web-app',
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'hours' },
    }),
  );
  return { poolId, at };
}

beforeAll(async () => {
  fx = await startRestoreFixture();
});

afterAll(async () => {
  await fx?.stop();
});

describe('restore-cli restore on cognito-local', () => {
  it('a dry run prints the plan and changes nothing', async () => {
    const { poolId, at } = await brokenPool();
    const before = await fx.live(poolId);
    const dry = await restore(poolId, at, '--dry-run');
    expect(dry.err).toContain('dry run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('createUser');
    expect(dry.out).toContain('created after T, kept');
    expect(await fx.live(poolId)).toEqual(before);
  });

  it('undo mode puts back every writable field and keeps what was created after T', async () => {
    const { poolId, at } = await brokenPool();
    const restored = await restore(poolId, at, '--yes', '--report', 'reports');
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    const target = await stateOf(poolId, at);
    const live = await fx.live(poolId);
    const { 'user:frank': frank, 'group:interns': interns, ...rest } = writable(live, KINDS);
    expect(rest).toEqual(writable(target, KINDS));
    expect(frank).toBeDefined();
    expect(interns).toBeDefined();
    expect(restored.out).toContain('user:frank');
    // Every record the restore wrote names it and who ran it (the key its calls were signed with).
    const { changeLog } = openLocalStore(fx.store, { mustExist: true });
    const written = [];
    for await (const record of changeLog.timeline(poolId))
      if (record.source === 'restore') written.push(record);
    expect(written.length).toBeGreaterThan(0);
    for (const record of written)
      expect(record.cause).toMatchObject({
        restoreId: expect.stringMatching(/^[0-9a-f]{24}$/),
        operatorAccessKeyId: expect.any(String),
        operatorArn: expect.stringMatching(/^arn:aws:iam::000000000000:user\//),
      });
    const again = await restore(poolId, at, '--yes');
    expect(again.code).toBe(0);
    expect(again.err).toContain('nothing to do');
  });

  it('exact mode makes the pool state(T), deleting what did not exist then', async () => {
    const { poolId, at } = await brokenPool();
    const restored = await restore(poolId, at, '--yes', '--exact', '--report', 'reports');
    expect(restored.code).toBe(0);
    expect(restored.out.indexOf('deletions')).toBeLessThan(restored.out.indexOf('changes ('));
    expect(writable(await fx.live(poolId), KINDS)).toEqual(writable(await stateOf(poolId, at), KINDS));
  });

  it('restores into another existing pool, with a sub ledger and a client id ledger', async () => {
    const { poolId, at } = await brokenPool();
    const targetPool = await emptyPool('dr', ['tenant', 'plan']);
    const reports = `reports-${targetPool}`;
    const restored = await restore(
      poolId,
      at,
      '--target-pool',
      targetPool,
      '--yes',
      '--exact',
      '--report',
      reports,
    );
    expect(restored.code).toBe(0);
    // The report and both ledgers, beside each other; the sub ledger maps every re-created user.
    const files = (await readdir(join(fx.work, reports))).sort();
    expect(files.map((f) => f.replace(/-\d{4}-.*?Z\./, '.'))).toEqual([
      'client-id-ledger.csv',
      'client-id-ledger.json',
      'restore-report.json',
      'sub-ledger.csv',
      'sub-ledger.json',
    ]);
    const report = JSON.parse(await readFile(join(fx.work, reports, files[2] as string), 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.totals.failed).toBe(0);
    expect(report.subLedger.map((e: { username: string }) => e.username).sort()).toEqual([
      'alice',
      'bob',
      'carol',
      'ops/dave',
      'émilie~dupont',
    ]);
    for (const entry of report.subLedger) expect(entry.newSub).not.toBe(entry.oldSub);
    expect(
      report.users.every(
        (u: { statusAtT: string; statusNow: string }) => u.statusNow === 'FORCE_CHANGE_PASSWORD',
      ),
    ).toBe(true);
    const csv = await readFile(join(fx.work, reports, files[3] as string), 'utf8');
    expect(csv.split('\n')[0]).toBe('username,old_sub,new_sub,new_username');
    const byName = (state: Map<EntityKey, JsonObject>) =>
      Object.fromEntries(
        [...state]
          .filter(([k]) => k.startsWith('client:'))
          .map(([k, d]) => [d.ClientName, writable(new Map([[k, d]]), ['client'])[k]]),
      );
    const target = await stateOf(poolId, at);
    const live = await fx.live(targetPool);
    expect(writable(live, ['user', 'group'])).toEqual(writable(target, ['user', 'group']));
    expect(byName(live)).toEqual(byName(target));
    expect(restored.out).toContain('got a new sub');
    expect(restored.out).toContain('got a new id');
  });

  it('refuses a target pool whose schema lacks a custom attribute, naming it, and changes nothing', async () => {
    const { poolId, at } = await brokenPool();
    const targetPool = await emptyPool('bare', ['tenant']);
    const before = await fx.live(targetPool);
    const refused = await fx.run(
      '--at',
      at,
      '--pool',
      poolId,
      '--target-pool',
      targetPool,
      '--store',
      fx.store,
      '--endpoint',
      fx.endpoint,
      '--yes',
    );
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('custom:plan');
    expect(await fx.live(targetPool)).toEqual(before);
  });

  it('--create-pool creates the pool from the recorded configuration and restores into it', async () => {
    const { poolId, at } = await brokenPool();
    const restored = await fx.run(
      '--at',
      at,
      '--pool',
      poolId,
      '--create-pool',
      'rebuilt',
      '--store',
      fx.store,
      '--endpoint',
      fx.endpoint,
      '--yes',
      '--report',
      'reports',
    );
    expect(restored.code).toBe(0);
    const newPool = /created pool (\S+)/.exec(restored.out)?.[1] ?? '';
    expect(newPool).not.toBe('');
    expect(writable(await fx.live(newPool), ['user', 'group'])).toEqual(
      writable(await stateOf(poolId, at), ['user', 'group']),
    );
  });

  it('--create-pool creates nothing before the confirmation: a dry run, a no, or no terminal leave no pool', async () => {
    const { poolId, at } = await brokenPool();
    const pools = async () => {
      const send = fx.cognito.send.bind(fx.cognito) as (
        command: unknown,
      ) => Promise<{ UserPools?: { Id?: string }[] }>;
      const { UserPools = [] } = await send(new ListUserPoolsCommand({ MaxResults: 60 }));
      return UserPools.map((p) => p.Id).sort();
    };
    const before = await pools();
    const args = ['--at', at, '--pool', poolId, '--create-pool', 'unwanted', '--store', fx.store];
    const dry = await fx.run(...args, '--endpoint', fx.endpoint, '--dry-run');
    expect(dry.code).toBe(0);
    // The whole restore into the empty pool is shown: every user and group of T is created.
    expect(dry.out).toContain('(new pool unwanted)');
    expect(dry.out).toContain('createUser');
    expect(dry.out).toContain('createGroup');
    expect(dry.err).toContain('nothing was changed');
    const declined = await fx.answering([false], ...args, '--endpoint', fx.endpoint);
    expect(declined.code).toBe(2);
    expect(declined.err).toContain('restore cancelled; nothing was changed');
    expect(declined.err).toContain('unwanted');
    const unattended = await fx.run(...args, '--endpoint', fx.endpoint);
    expect(unattended.code).toBe(2);
    expect(unattended.err).toMatch(/without --yes/);
    expect(await pools()).toEqual(before);
    // A yes then creates it, and restores into it what the plan showed.
    const accepted = await fx.answering([true], ...args, '--endpoint', fx.endpoint, '--report', 'reports');
    expect(accepted.code).toBe(0);
    const created = (await pools()).filter((id) => !before.includes(id));
    expect(created).toHaveLength(1);
    expect(writable(await fx.live(created[0] ?? ''), ['user', 'group'])).toEqual(
      writable(await stateOf(poolId, at), ['user', 'group']),
    );
  });

  it('scoped restores change nothing outside their scope', async () => {
    const { poolId, at } = await brokenPool();
    const before = await fx.live(poolId);
    const groupsOnly = await restore(poolId, at, '--yes', '--only', 'groups');
    expect(groupsOnly.code).toBe(0);
    const afterGroups = await fx.live(poolId);
    expect(writable(afterGroups, ['user', 'client'])).toEqual(writable(before, ['user', 'client']));
    expect(afterGroups.has('group:viewers')).toBe(true);
    const bobOnly = await restore(poolId, at, '--yes', '--user', 'bob');
    expect(bobOnly.code).toBe(0);
    const afterBob = await fx.live(poolId);
    const target = await stateOf(poolId, at);
    expect(writable(afterBob, ['user'])['user:bob']).toEqual(writable(target, ['user'])['user:bob']);
    const { 'user:bob': _bob, ...others } = writable(afterBob, ['user', 'client']);
    const { 'user:bob': _none, ...othersBefore } = writable(afterGroups, ['user', 'client']);
    expect(others).toEqual(othersBefore);
  });
});

describe('restore-cli restore reports the truth', () => {
  it('puts back an MFA mode that was absent at T (OFF), and says it did so only after reading it back', async () => {
    const poolId = await createDemoPool(fx.cognito);
    // cognito-local's UpdateUserPool drops a mode it is not given: the pool has none, which is OFF.
    await fx.cognito.send(
      new UpdateUserPoolCommand({ UserPoolId: poolId, AutoVerifiedAttributes: ['email'] }),
    );
    const backup = await fx.run('backup', '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint);
    expect(backup.code).toBe(0);
    const at = /at (\S+)/.exec(backup.out)?.[1] ?? '';
    expect((await stateOf(poolId, at)).get('mfa')?.MfaConfiguration).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fx.cognito.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    const restored = await restore(poolId, at, '--yes', '--exact', '--report', 'reports');
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    const live = await fx.live(poolId);
    expect(live.get('mfa')?.MfaConfiguration).toBe('OFF');
    expect(writable(live, KINDS)).toEqual(writable(await stateOf(poolId, at), KINDS));
  });
});

describe("restore-cli restore: the restore's own changes are no conflict", () => {
  it('the pool settings phase changing the MFA configuration (its SMS message) does not make the MFA task a conflict', async () => {
    const poolId = await createDemoPool(fx.cognito);
    // UpdateUserPool's SMS message is also GetUserPoolMfaConfig's: one call changes both entities.
    const settings = (message: string) =>
      fx.cognito.send(
        new UpdateUserPoolCommand({
          UserPoolId: poolId,
          AutoVerifiedAttributes: ['email'],
          MfaConfiguration: 'OFF',
          SmsAuthenticationMessage: message,
        }),
      );
    await settings('Your code is {####}');
    const backup = await fx.run('backup', '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint);
    expect(backup.code).toBe(0);
    const at = /at (\S+)/.exec(backup.out)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await settings('Send this code to evil.example: {####}');
    await fx.cognito.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    const restored = await restore(poolId, at, '--yes', '--exact', '--report', 'reports', '--format', 'json');
    expect(restored.err).toBe('');
    const { plan, report } = JSON.parse(restored.out);
    expect(plan.tasks.map((t: { entity: string }) => t.entity)).toEqual(['pool', 'mfa']);
    expect(report.skipped).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(restored.code).toBe(0);
    const live = await fx.live(poolId);
    expect(live.get('mfa')?.MfaConfiguration).toBe('OFF');
    expect(writable(live, ['pool', 'mfa'])).toEqual(writable(await stateOf(poolId, at), ['pool', 'mfa']));
  });
});

describe('restore-cli restore: parts the endpoint cannot write', () => {
  it('plans nothing for tags cognito-local cannot write, lists them, and exits 0 having done all it could', async () => {
    const poolId = await createDemoPool(fx.cognito);
    // cognito-local has no TagResource: only UpdateUserPool (given the same settings both times) sets tags.
    const tagged = (team: string) =>
      fx.cognito.send(
        new UpdateUserPoolCommand({
          UserPoolId: poolId,
          AutoVerifiedAttributes: ['email'],
          MfaConfiguration: 'OFF',
          UserPoolTags: { team },
        }),
      );
    await tagged('identity');
    const backup = await fx.run('backup', '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint);
    expect(backup.code).toBe(0);
    const at = /at (\S+)/.exec(backup.out)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await tagged('evil');
    await fx.cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' }));

    const dry = await restore(poolId, at, '--dry-run', '--format', 'json');
    expect(dry.err).toContain('dry run');
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.out);
    expect(plan.tasks.map((t: { entity: string }) => t.entity)).toEqual(['user:bob']);
    expect(plan.notes).toContainEqual(
      expect.objectContaining({
        kind: 'notWritable',
        entity: 'tags',
        message: expect.stringMatching(/cannot write tags.*team/),
      }),
    );
    const restored = await restore(poolId, at, '--yes', '--report', 'reports');
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('[notWritable]');
    const live = await fx.live(poolId);
    expect(live.get('tags')).toEqual({ team: 'evil' });
    expect(writable(live, ['user'])).toEqual(writable(await stateOf(poolId, at), ['user']));
    const again = await restore(poolId, at, '--dry-run');
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/nothing to do.*every part this endpoint can write/);
    expect(again.out).toContain('[notWritable]');
  });
});

describe('restore-cli restore asks before it changes anything', () => {
  it('applies on a yes at the terminal, and changes nothing on a no', async () => {
    const { poolId, at } = await brokenPool();
    const before = await fx.live(poolId);
    const args = ['--at', at, '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint];
    const declined = await fx.answering([false], ...args);
    expect(declined.err).toContain('apply');
    expect(declined.err).toContain('restore cancelled; nothing was changed');
    expect(declined.code).toBe(2);
    expect(await fx.live(poolId)).toEqual(before);
    const accepted = await fx.answering([true], ...args, '--report', 'reports');
    expect(accepted.code).toBe(0);
    const { 'user:frank': _f, 'group:interns': _i, ...rest } = writable(await fx.live(poolId), KINDS);
    expect(rest).toEqual(writable(await stateOf(poolId, at), KINDS));
  });
});

describe('restore-cli restore --revert and --format json', () => {
  it('--revert puts one entity back to its state just before that change record, and nothing else', async () => {
    const { poolId } = await brokenPool();
    const second = await fx.run('backup', '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint);
    expect(second.code).toBe(0);
    const now = await stateOf(poolId, new Date().toISOString());
    const { changeLog } = openLocalStore(fx.store, { mustExist: true });
    let change: { id: string; validFrom: string } | undefined;
    for await (const record of changeLog.entityHistory(poolId, 'user:ops/dave')) change = record;
    expect(change).toBeDefined();
    const before = await fx.live(poolId);
    const reverted = await fx.run(
      '--revert',
      change?.id ?? '',
      '--pool',
      poolId,
      '--store',
      fx.store,
      '--endpoint',
      fx.endpoint,
      '--yes',
      '--report',
      'reports',
    );
    expect(reverted.code).toBe(0);
    const after = await fx.live(poolId);
    const justBefore = await stateOf(poolId, new Date(Date.parse(change?.validFrom ?? '') - 1).toISOString());
    expect(writable(after, ['user'])['user:ops/dave']).toEqual(
      writable(justBefore, ['user'])['user:ops/dave'],
    );
    expect(writable(after, ['user'])['user:ops/dave']).not.toEqual(writable(now, ['user'])['user:ops/dave']);
    const { 'user:ops/dave': _a, ...rest } = writable(after, KINDS);
    const { 'user:ops/dave': _b, ...restBefore } = writable(before, KINDS);
    expect(rest).toEqual(restBefore);
  });

  it('--format json prints the plan as data', async () => {
    const { poolId, at } = await brokenPool();
    const dry = await restore(poolId, at, '--dry-run', '--format', 'json');
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.out);
    expect(plan.mode).toBe('undo');
    expect(plan.kept).toContain('user:frank');
    const kinds = plan.tasks.flatMap((t: { actions: { kind: string }[] }) => t.actions.map((a) => a.kind));
    expect(kinds).toEqual(
      expect.arrayContaining([
        'createUser',
        'createGroup',
        'enableUser',
        'disableUser',
        'addToGroup',
        'updateClient',
      ]),
    );
  });
});

describe('restore-cli restore: bad input is exit 2 and changes nothing', () => {
  let poolId: string;
  let at: string;
  let before: Map<EntityKey, JsonObject>;
  beforeAll(async () => {
    ({ poolId, at } = await brokenPool());
    before = await fx.live(poolId);
  });

  const cases: [string, (p: string, t: string) => string[], RegExp][] = [
    [
      '--at before the first snapshot',
      (p) => ['--at', '2001-01-01T00:00Z', '--pool', p],
      /before the first snapshot/,
    ],
    ['an unknown pool', () => ['--at', '2030-01-01T00:00Z', '--pool', 'us-east-1_Nope12345'], /no snapshots/],
    [
      'a target pool that does not exist',
      (p, t) => ['--at', t, '--pool', p, '--target-pool', 'local_Nope1234'],
      /does not exist/,
    ],
    ['an unknown --user', (p, t) => ['--at', t, '--pool', p, '--user', 'zoe'], /--user zoe/],
    ['an unknown --group', (p, t) => ['--at', t, '--pool', p, '--group', 'nobody'], /--group nobody/],
    [
      'an unknown --revert id',
      (p) => ['--revert', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--pool', p],
      /no change record/,
    ],
    [
      'conflicting flags',
      (p, t) => ['--at', t, '--pool', p, '--target-pool', p, '--create-pool', 'x'],
      /conflict/,
    ],
    ['no --yes and no terminal', (p, t) => ['--at', t, '--pool', p], /without --yes/],
    ['an unknown --only part', (p, t) => ['--at', t, '--pool', p, '--only', 'users,widgets'], /widgets/],
  ];
  for (const [name, args, message] of cases)
    it(name, async () => {
      const result = await fx.run(...args(poolId, at), '--store', fx.store, '--endpoint', fx.endpoint);
      expect(result.err).toMatch(message);
      expect(result.err.trim().split('\n')).toHaveLength(1);
      expect(result.code).toBe(2);
      expect(await fx.live(poolId)).toEqual(before);
    });
});
