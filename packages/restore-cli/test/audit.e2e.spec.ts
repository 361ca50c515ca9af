import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextSecond, run, type StackInTempDir, stackInTempDir } from './localStackTruth.testing.js';

/**
 * `restore-cli audit` over a store a capture run made: the local stack's cognito-local behind its
 * CloudTrail tap, every call captured, one failed. The CLI runs as a person would, with `--local`.
 */

const HOUR = 3_600_000;
let running: StackInTempDir;
let poolId: string;
let work: string;

beforeAll(async () => {
  running = await stackInTempDir('audit', { snapshotEveryMs: HOUR, archiveEveryMs: HOUR, pollEveryMs: HOUR });
  ({ work } = running);
  const { cognito, stack } = running;
  poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'audit' }))).UserPool?.Id ?? '';
  const UserPoolId = poolId;
  await cognito.send(new CreateGroupCommand({ UserPoolId, GroupName: 'admins' }));
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username: 'alice',
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'a@x.test' }],
    }),
  );
  await cognito.send(new AdminCreateUserCommand({ UserPoolId, Username: 'bob', MessageAction: 'SUPPRESS' }));
  await stack.settle();
  await nextSecond();
  await cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId,
      Username: 'alice',
      UserAttributes: [{ Name: 'email', Value: 'b@x.test' }],
    }),
  );
  await stack.settle();
  await nextSecond();
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'alice', GroupName: 'admins' }));
  // Captured apart: a disable captured before the membership re-reads the user with it already there.
  await stack.settle();
  await cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: 'alice' }));
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'ghost' })).catch(() => {});
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'bob' }));
  await stack.settle();
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

const audit = (...args: string[]) => run(work, ['audit', '--local', '--pool', poolId, ...args]);
const ndjson = (out: string) =>
  out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('restore-cli audit', () => {
  it("shows alice's life as calls, each change in words, in a table", async () => {
    const { code, out } = await audit('--user', 'alice');
    expect(code).toBe(0);
    for (const words of ['created', 'email: a@x.test → b@x.test', '+admins', 'disabled'])
      expect(out).toContain(words);
    expect(out).toMatch(/AdminUpdateUserAttributes/);
    expect(out).not.toContain('bob');
  });

  it('combines filters: deletes, failed ones only, in ndjson with the record and its patch', async () => {
    const deletes = ndjson((await audit('--event', 'AdminDeleteUser', '--format', 'ndjson')).out);
    // Both calls fall in one whole second (CloudTrail's resolution): their order is the event ids'.
    expect(deletes.map((row) => row.change).sort()).toEqual(['deleted', 'failed: UserNotFoundException']);
    const failed = await audit('--event', 'AdminDeleteUser', '--failed', '--format', 'ndjson');
    expect(ndjson(failed.out)).toMatchObject([
      { event: 'AdminDeleteUser', errorCode: 'UserNotFoundException' },
    ]);
    const [email] = ndjson(
      (await audit('--user', 'alice', '--event', 'AdminUpdateUserAttributes', '--format', 'json')).out
        .split('\n')
        .map((line) => line.replace(/^[[,]/, '').replace(/^]$/, ''))
        .join('\n'),
    );
    expect(email).toMatchObject({
      // cognito-local also marks the new address unverified.
      change: expect.stringContaining('email: a@x.test → b@x.test'),
      changes: [{ patch: expect.arrayContaining([expect.objectContaining({ path: '/attributes/email' })]) }],
    });
  });

  it('prints json as one array, and csv with one header', async () => {
    const json = await audit('--user', 'alice', '--format', 'json');
    const rows = JSON.parse(json.out) as { change: string; changes: { record: { after: unknown } }[] }[];
    const changes = rows.map((row) => row.change);
    expect(changes, JSON.stringify(changes)).toContain('+admins');
    expect(rows.every((row) => row.changes.every((c) => c.record.after !== undefined))).toBe(true);
    const csv = await audit('--user', 'alice', '--format', 'csv');
    const lines = csv.out.split('\n');
    expect(lines[0]).toBe('time,event,caller,source ip,entity,change,change id,source');
    expect(lines.some((line) => line.includes(',+admins,'))).toBe(false);
    // `+admins` would be a formula in a spreadsheet: it is neutralised.
    expect(lines.some((line) => line.includes(",'+admins,"))).toBe(true);
  });

  it('stops at --limit with a cursor that continues where it stopped', async () => {
    const all = ndjson((await audit('--format', 'ndjson')).out);
    expect(all.length).toBeGreaterThan(4);
    const first = await audit('--format', 'ndjson', '--limit', '2');
    const cursor = /--cursor (\S+)/.exec(first.err)?.[1];
    expect(ndjson(first.out)).toEqual(all.slice(0, 2));
    expect(cursor).toBeDefined();
    const rest = await audit('--format', 'ndjson', '--cursor', cursor as string);
    expect(ndjson(rest.out)).toEqual(all.slice(2));
  });

  it('says so when nothing matches, and exits 0', async () => {
    const { code, err } = await audit('--event', 'AdminSetUserPassword');
    expect(code).toBe(0);
    expect(err).toContain('no audit rows match');
  });

  it.each([
    [['--user', 'nobody'], /--user nobody: no user with that username is recorded/],
    [['--since', '2024-06-02T00:00Z', '--until', '2024-06-01T00:00Z'], /--since .* is after --until/],
    [['--since', 'last tuesday'], /--since "last tuesday" is not an ISO-8601 time/],
    [['--event', 'AdminNukeUser'], /--event AdminNukeUser: not a Cognito user pool event name/],
    [['--format', 'xml'], /--format xml is not one of table, json, ndjson, csv/],
  ])('refuses %j with one error and exit 2', async (args, message) => {
    const { code, out, err } = await audit(...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(out).toBe('');
  });
});

describe('restore-cli audit history', () => {
  it("shows each change of alice's with the state after it", async () => {
    const { code, out } = await run(work, [
      'audit',
      'history',
      '--local',
      '--pool',
      poolId,
      '--user',
      'alice',
    ]);
    expect(code).toBe(0);
    expect(out).toContain('email: a@x.test → b@x.test');
    expect(out).toContain('disabled');
    const json = await run(work, [
      'audit',
      'history',
      '--local',
      '--pool',
      poolId,
      '--user',
      'alice',
      '--format',
      'json',
    ]);
    const steps = JSON.parse(json.out) as {
      version: number;
      after: { enabled: boolean; groups: string[] };
    }[];
    expect(steps.map((step) => step.version)).toEqual(steps.map((_, i) => i + 1));
    expect(steps.at(-1)?.after).toMatchObject({ enabled: false, groups: ['admins'] });
  });

  it('takes a sub for --user: a live user from the recorded state, a deleted one from the records', async () => {
    const subOf = async (user: string) => {
      const [first] = JSON.parse((await audit('--user', user, '--format', 'json')).out) as {
        changes: { record: { after: { attributes: { sub: string } } } }[];
      }[];
      return first?.changes[0]?.record.after.attributes.sub as string;
    };
    const [aliceSub, bobSub] = [await subOf('alice'), await subOf('bob')];
    expect(aliceSub).toMatch(/^[0-9a-f-]{36}$/);
    const byName = await audit('--user', 'alice', '--format', 'ndjson');
    expect((await audit('--user', aliceSub, '--format', 'ndjson')).out).toBe(byName.out);
    const bob = await run(work, ['audit', 'history', '--local', '--pool', poolId, '--user', bobSub]);
    expect(bob.code).toBe(0);
    expect(bob.out).toContain('deleted');
  });

  it("finds a deleted user by name, ending in 'deleted', and refuses an unknown one", async () => {
    const bob = await run(work, ['audit', 'history', '--local', '--pool', poolId, '--user', 'bob']);
    expect(bob.out).toContain('deleted');
    const nobody = await run(work, ['audit', 'history', '--local', '--pool', poolId, '--user', 'nobody']);
    expect(nobody.code).toBe(2);
    expect(nobody.err).toMatch(/no user with that username is recorded/);
  });
});
