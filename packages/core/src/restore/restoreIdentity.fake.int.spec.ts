import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  backupNow,
  type FakeRestoreEnv,
  livePool,
  runRestore,
  seedFullPool,
  startFakeRestoreEnv,
  takeBackupNow,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRestoreJournal } from '../adapters/memory/memoryRestoreJournal.js';
import { toArray } from '../asyncIterables.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { JournalEntry } from '../model/restoreJournalEntry.js';
import type { CognitoWriter } from '../ports.js';
import { summarizeJournal } from './journal/restoreJournal.js';
import { writableView } from './plan/writableView.js';

/**
 * Restores an attacker cannot steer through users: an impostor under a user's name, pools that name
 * users after their email, and creations whose answer never came back. On the in-memory Cognito.
 */

let env: FakeRestoreEnv;

beforeAll(async () => {
  env = await startFakeRestoreEnv();
});

afterAll(async () => {
  await env?.stop();
});

const subOf = (doc: JsonObject | undefined) => (doc?.attributes as Record<string, string> | undefined)?.sub;

/** After the backup, mallory deletes bob and makes a "bob" of her own: her mailbox, TOTP, in admins. */
async function impostorPool() {
  const pool = await seedFullPool(env);
  const UserPoolId = pool.poolId;
  const at = await backupNow(env, UserPoolId);
  env.advance(60_000);
  await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'bob' }));
  await env.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username: 'bob',
      MessageAction: 'SUPPRESS',
      TemporaryPassword: 'Mallory-knows-1',
      UserAttributes: [{ Name: 'email', Value: 'mallory@evil.example.com' }],
    }),
  );
  await env.cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId, Username: 'bob', GroupName: 'admins' }),
  );
  await env.cognito.send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId,
      Username: 'bob',
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  env.advance(60_000);
  const live = await livePool(env, UserPoolId);
  return { UserPoolId, at, impostor: live.get('user:bob') as JsonObject };
}

describe('an impostor under the name of a user at T', () => {
  it('undo leaves it exactly as it is and says why; nothing of bob is given to it', async () => {
    const { UserPoolId, at, impostor } = await impostorPool();
    for (const users of [undefined, ['bob']]) {
      const { prepared, result } = await runRestore(env, {
        sourcePoolId: UserPoolId,
        at,
        mode: 'undo',
        ...(users ? { users } : {}),
      });
      expect(result.ok).toBe(true);
      expect(prepared.plan.tasks.filter((t) => t.entity === 'user:bob')).toEqual([]);
      expect(prepared.plan.notes.filter((n) => n.kind === 'impostor').map((n) => n.entity)).toEqual([
        'user:bob',
      ]);
      expect((await livePool(env, UserPoolId)).get('user:bob')).toEqual(impostor);
    }
  });

  it('exact deletes it and re-creates bob as at T (a new sub, in the ledger); a re-run finds its own bob', async () => {
    const { UserPoolId, at, impostor } = await impostorPool();
    const journal = new MemoryRestoreJournal();
    const { prepared, result } = await runRestore(
      env,
      { sourcePoolId: UserPoolId, at, mode: 'exact' },
      { journal },
    );
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(result.outcomes.filter((o) => o.entity === 'user:bob').map((o) => o.kind)).toEqual([
      'replaceUser',
      'createUser',
      'setUserMfa',
      'addToGroup',
    ]);
    const bob = (await livePool(env, UserPoolId)).get('user:bob');
    const atT = prepared.target.get('user:bob');
    expect(writableView('user:bob', bob)).toEqual(writableView('user:bob', atT));
    expect(subOf(bob)).not.toBe(subOf(impostor));
    expect(subOf(bob)).not.toBe(subOf(atT));
    expect(bob?.mfa).toEqual({ enabled: ['EMAIL_OTP', 'SMS_MFA'], preferred: 'EMAIL_OTP' });
    expect(bob?.status).toBe('FORCE_CHANGE_PASSWORD');
    expect(result.subs).toEqual([{ username: 'bob', oldSub: subOf(atT), newSub: subOf(bob) }]);
    // The journal shows the replacement as its own step.
    expect(
      (await journal.read()).filter((e) => e.type === 'done').map((e) => e.type === 'done' && e.action),
    ).toContain('replaceUser user:bob');

    const again = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'exact' }, { journal });
    expect(again.prepared.plan.tasks).toEqual([]);
    expect(again.prepared.plan.notes.filter((n) => n.kind === 'impostor')).toEqual([]);
    expect(subOf((await livePool(env, UserPoolId)).get('user:bob'))).toBe(subOf(bob));
  });

  it('--revert of the record of bob goes through the same rule: the impostor is replaced, never updated', async () => {
    const { UserPoolId, impostor } = await impostorPool();
    await takeBackupNow(env, UserPoolId);
    const records = await toArray(env.store.changeLog.entityHistory(UserPoolId, 'user:bob'));
    const taken = records.find((r) => subOf(r.after ?? undefined) === subOf(impostor));
    expect(taken).toBeDefined();
    env.advance(60_000);
    const { prepared, result } = await runRestore(env, {
      sourcePoolId: UserPoolId,
      at: '',
      mode: 'undo',
      revert: taken?.id,
    });
    expect(prepared.plan.tasks.flatMap((t) => t.actions.map((a) => a.id))[0]).toBe('replaceUser user:bob');
    expect(result.ok).toBe(true);
    const bob = (await livePool(env, UserPoolId)).get('user:bob');
    expect(subOf(bob)).not.toBe(subOf(impostor));
    expect(bob?.attributes).toMatchObject({ email: 'bob@example.com' });
  });

  it('a replacement deletes only the user the plan saw: another one that took the name since is left alone', async () => {
    const { UserPoolId, at } = await impostorPool();
    const { result } = await runRestore(
      env,
      { sourcePoolId: UserPoolId, at, mode: 'exact', users: ['bob'] },
      {
        // A second impostor, made to look like the first in every field a restore writes.
        beforeApply: async () => {
          await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'bob' }));
          await env.cognito.send(
            new AdminCreateUserCommand({
              UserPoolId,
              Username: 'bob',
              MessageAction: 'SUPPRESS',
              UserAttributes: [{ Name: 'email', Value: 'mallory@evil.example.com' }],
            }),
          );
          await env.cognito.send(
            new AdminAddUserToGroupCommand({ UserPoolId, Username: 'bob', GroupName: 'admins' }),
          );
        },
      },
    );
    const second = await env.cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'bob' }));
    const bob = result.outcomes.filter((o) => o.entity === 'user:bob');
    expect(bob[0]).toMatchObject({
      kind: 'replaceUser',
      status: 'failed',
      detail: expect.stringContaining('bob is no longer the user the plan saw'),
    });
    expect(bob.slice(1).every((o) => o.status === 'skipped')).toBe(true);
    // Still there, untouched: the restore deleted no one it had not judged.
    const again = await env.cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'bob' }));
    expect(again.UserAttributes).toEqual(second.UserAttributes);
  });
});

/** The live user holding an email, with its key. */
async function byEmail(UserPoolId: string, email: string) {
  const live = await livePool(env, UserPoolId);
  return [...live].find(([, doc]) => (doc.attributes as Record<string, string> | undefined)?.email === email);
}

/** A pool that names users after their email (Cognito generates the username), with ann and bob. */
async function emailPool() {
  const { fake } = env.running;
  const UserPoolId = fake.createPool({
    PoolName: 'by-email',
    UsernameAttributes: ['email'],
    Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
  });
  fake.call('CreateGroup', { UserPoolId, GroupName: 'staff' });
  fake.seedUsers(UserPoolId, [
    {
      username: 'ann@example.com',
      attributes: { 'custom:tenant': 'acme' },
      groups: ['staff'],
      enabled: false,
    },
    { username: 'bob@example.com', attributes: { 'custom:tenant': 'acme' } },
  ]);
  fake.call('AdminSetUserMFAPreference', {
    UserPoolId,
    Username: 'ann@example.com',
    EmailMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  const at = await backupNow(env, UserPoolId);
  const [annKey, ann] = (await byEmail(UserPoolId, 'ann@example.com')) ?? [];
  env.advance(60_000);
  return { UserPoolId, at, annKey: annKey as EntityKey, ann: ann as JsonObject };
}

describe('email as username', () => {
  it('re-creates a user under its email, follows the name Cognito gives it, and a re-run finds it', async () => {
    const { UserPoolId, at, annKey, ann } = await emailPool();
    await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'ann@example.com' }));
    const journal = new MemoryRestoreJournal();
    const { result } = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'exact' }, { journal });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    const [newKey, remade] = (await byEmail(UserPoolId, 'ann@example.com')) ?? [];
    expect(newKey).not.toBe(annKey);
    const newName = newKey?.slice('user:'.length);
    expect(newName).toBe(subOf(remade));
    expect(writableView('user:x', remade)).toEqual(writableView('user:x', ann));
    expect(result.subs).toEqual([
      {
        username: annKey.slice('user:'.length),
        oldSub: subOf(ann),
        newSub: subOf(remade),
        newUsername: newName,
      },
    ]);
    expect(summarizeJournal(await journal.read()).subs).toEqual(result.subs);

    for (const mode of ['exact', 'undo'] as const) {
      const again = await runRestore(env, { sourcePoolId: UserPoolId, at, mode }, { journal });
      expect(again.prepared.plan.tasks).toEqual([]);
      expect(again.prepared.plan.kept).toEqual([]);
    }
    expect((await livePool(env, UserPoolId)).get(newKey as EntityKey)).toEqual(remade);
  });
});

/** The writer with one call that does its work and then loses its answer (a timeout). */
function answerLost(operation: keyof CognitoWriter, after?: () => void): CognitoWriter {
  return new Proxy(env.writer, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== operation || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await value.apply(target, args);
        after?.();
        throw Object.assign(new Error('socket hang up: no answer within 30 s'), { name: 'TimeoutError' });
      };
    },
  });
}

/** A journal that stops being written once `action` starts: the process killed (-9) in that call. */
class KilledJournal extends MemoryRestoreJournal {
  private dead = false;
  constructor(private readonly action: string) {
    super();
  }
  override async append(entry: JournalEntry): Promise<void> {
    if (this.dead) return;
    await super.append(entry);
    if (entry.type === 'start' && entry.action === this.action) this.dead = true;
  }
}

describe('a creation whose answer was lost', () => {
  it('after a timeout, the re-run finds the user, puts its sub in the ledger and does not create it again', async () => {
    const pool = await seedFullPool(env);
    const UserPoolId = pool.poolId;
    const at = await backupNow(env, UserPoolId);
    env.advance(60_000);
    await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'dave' }));
    const journal = new MemoryRestoreJournal();
    const first = await runRestore(
      env,
      { sourcePoolId: UserPoolId, at, mode: 'undo' },
      { journal, apply: { writer: answerLost('createUser') } },
    );
    expect(first.result.outcomes.find((o) => o.kind === 'createUser')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('TimeoutError'),
    });
    expect(first.result.subs).toEqual([]);
    const created = env.running.fake.callCount('AdminCreateUser');

    const again = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' }, { journal });
    expect(again.result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(again.result.outcomes.filter((o) => o.entity === 'user:dave').map((o) => o.kind)).toEqual([
      'adoptUser',
      'setUserMfa',
      'addToGroup',
      'linkProvider',
    ]);
    expect(env.running.fake.callCount('AdminCreateUser')).toBe(created);
    const dave = (await livePool(env, UserPoolId)).get('user:dave');
    const oldSub = subOf(again.prepared.target.get('user:dave'));
    expect(again.result.subs).toEqual([{ username: 'dave', oldSub, newSub: subOf(dave) }]);
    expect(summarizeJournal(await journal.read()).subs).toEqual(again.result.subs);
    expect(writableView('user:dave', dave)).toEqual(
      writableView('user:dave', again.prepared.target.get('user:dave')),
    );
  });

  it('after a kill in the call, in a pool named by email, the re-run finds the user by its email', async () => {
    const { UserPoolId, at, annKey, ann } = await emailPool();
    await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'ann@example.com' }));
    const killed = new KilledJournal(`createUser ${annKey}`);
    await runRestore(
      env,
      { sourcePoolId: UserPoolId, at, mode: 'exact' },
      { journal: killed, apply: { writer: answerLost('createUser') } },
    );
    const summary = summarizeJournal(killed.entries);
    expect(summary.inFlight).toEqual([{ action: `createUser ${annKey}`, entity: annKey }]);
    expect(summary.subs).toEqual([]);
    const created = env.running.fake.callCount('AdminCreateUser');
    const [liveKey, remade] = (await byEmail(UserPoolId, 'ann@example.com')) ?? [];

    // The next run continues the journal the killed one left.
    const journal = new MemoryRestoreJournal();
    for (const entry of killed.entries) await journal.append(entry);
    const again = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'exact' }, { journal });
    expect(again.prepared.plan.tasks.map((t) => [t.entity, t.liveEntity])).toEqual([[annKey, liveKey]]);
    expect(again.result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(env.running.fake.callCount('AdminCreateUser')).toBe(created);
    expect(again.result.subs).toEqual([
      {
        username: annKey.slice(5),
        oldSub: subOf(ann),
        newSub: subOf(remade),
        newUsername: liveKey?.slice(5),
      },
    ]);
    const now = (await livePool(env, UserPoolId)).get(liveKey as EntityKey);
    expect(writableView('user:x', now)).toEqual(writableView('user:x', ann));
    // And the run after that has nothing left to do.
    const third = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'exact' }, { journal });
    expect(third.prepared.plan.tasks).toEqual([]);
  });
});
