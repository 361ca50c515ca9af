import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type EntityKey, type JsonObject, stateAt } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoPool } from '../src/demo/demoPool.js';
import { openLocalStore } from './localStore.testing.js';
import { type RestoreFixture, startRestoreFixture, writable } from './restoreFixture.js';

/** Restores an attacker cannot steer through users, end to end: the CLI against cognito-local. */

let fx: RestoreFixture;

beforeAll(async () => {
  fx = await startRestoreFixture();
});

afterAll(async () => {
  await fx?.stop();
});

const send = (command: unknown) => (fx.cognito.send as (c: unknown) => Promise<unknown>)(command);
const restore = (poolId: string, at: string, ...more: string[]) =>
  fx.run('--at', at, '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint, ...more);
const subOf = (doc: JsonObject | undefined) => (doc?.attributes as Record<string, string> | undefined)?.sub;

async function stateOf(poolId: string, at: string): Promise<Map<EntityKey, JsonObject>> {
  const result = await stateAt(openLocalStore(fx.store, { mustExist: true }), poolId, at);
  const out = new Map<EntityKey, JsonObject>();
  for await (const entry of result.entities) out.set(entry.key, entry.doc);
  return out;
}

async function backup(poolId: string): Promise<string> {
  const backed = await fx.run('backup', '--pool', poolId, '--store', fx.store, '--endpoint', fx.endpoint);
  expect(backed.code).toBe(0);
  // Changes after the backup fall in a later second than its time.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  return /at (\S+)/.exec(backed.out)?.[1] ?? '';
}

/** The sub ledger CSV a restore wrote into `dir`, as rows of cells. */
async function subLedger(dir: string): Promise<string[][]> {
  const [file] = (await readdir(join(fx.work, dir))).filter((f) => /^sub-ledger-.*\.csv$/.test(f));
  const text = await readFile(join(fx.work, dir, file ?? ''), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

describe('restore-cli restore: an impostor under the name of a user at T', () => {
  it('undo leaves it alone and says so; --exact replaces it; a later restore knows the bob it made', async () => {
    const poolId = await createDemoPool(fx.cognito);
    const at = await backup(poolId);
    // Mallory deletes bob and makes a "bob" of her own, with her mailbox, in admins.
    await send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    await send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'bob',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'mallory@evil.example.com' }],
      }),
    );
    await send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'admins' }));
    const impostor = (await fx.live(poolId)).get('user:bob');

    const undo = await restore(poolId, at, '--user', 'bob', '--yes');
    expect(undo.code).toBe(0);
    expect(undo.out).toContain('left alone (1)');
    expect(undo.out).toMatch(/bob is left alone: the live user of that name is someone else \(sub /);
    expect(undo.err).toContain('nothing done: 1 user(s) at T have their name held by someone else');
    expect((await fx.live(poolId)).get('user:bob')).toEqual(impostor);

    const exact = await restore(poolId, at, '--user', 'bob', '--exact', '--yes', '--report', 'reports-bob');
    expect(exact.err).toBe('');
    expect(exact.code).toBe(0);
    expect(exact.out).toContain('replacements (1)');
    expect(exact.out).toMatch(/replaceUser\s*│\s*user:bob/);
    const target = await stateOf(poolId, at);
    const bob = (await fx.live(poolId)).get('user:bob');
    expect(writable(new Map([['user:bob', bob as JsonObject]]), ['user'])).toEqual(
      writable(new Map([['user:bob', target.get('user:bob') as JsonObject]]), ['user']),
    );
    expect(subOf(bob)).not.toBe(subOf(impostor));
    expect(await subLedger('reports-bob')).toEqual([
      ['username', 'old_sub', 'new_sub', 'new_username'],
      ['bob', subOf(target.get('user:bob')) ?? '', subOf(bob) ?? '', ''],
    ]);

    // Another restore (other arguments, its own journal) knows the bob the first one made.
    const whole = await restore(poolId, at, '--exact', '--dry-run');
    expect(whole.code).toBe(0);
    expect(whole.out).not.toContain('user:bob');
    expect(whole.out).not.toContain('left alone');
  });
});

describe('restore-cli restore: a pool that takes the email as username', () => {
  it('re-creates users under their email, ledgers the name Cognito gave them, and a re-run finds them', async () => {
    const created = (await send(
      new CreateUserPoolCommand({
        PoolName: 'by-email',
        UsernameAttributes: ['email'],
        Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
      }),
    )) as { UserPool?: { Id?: string } };
    const poolId = created.UserPool?.Id ?? '';
    await send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff', Precedence: 1 }));
    for (const email of ['ann@example.com', 'ben@example.com']) {
      await send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'custom:tenant', Value: 'acme' }],
        }),
      );
      await send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: 'staff' }));
    }
    const at = await backup(poolId);
    const before = await fx.live(poolId);
    const annKey = [...before.keys()].find(
      (k) => (before.get(k)?.attributes as Record<string, string> | undefined)?.email === 'ann@example.com',
    ) as EntityKey;
    await send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'ann@example.com' }));

    const restored = await restore(poolId, at, '--yes', '--report', 'reports-email');
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    const live = await fx.live(poolId);
    const [newKey, ann] = [...live].find(
      ([, doc]) => (doc.attributes as Record<string, string> | undefined)?.email === 'ann@example.com',
    ) ?? [undefined, undefined];
    expect(newKey).toBeDefined();
    expect(newKey).not.toBe(annKey);
    // Cognito named her after her new sub; she has her attributes and her group back.
    expect(newKey).toBe(`user:${subOf(ann)}`);
    expect(writable(new Map([['user:x', ann as JsonObject]]), ['user'])).toEqual(
      writable(new Map([['user:x', before.get(annKey) as JsonObject]]), ['user']),
    );
    expect(await subLedger('reports-email')).toEqual([
      ['username', 'old_sub', 'new_sub', 'new_username'],
      [annKey.slice(5), subOf(before.get(annKey)) ?? '', subOf(ann) ?? '', newKey?.slice(5) ?? ''],
    ]);

    for (const mode of [[], ['--exact']]) {
      const again = await restore(poolId, at, '--yes', ...mode);
      expect(again.code).toBe(0);
      expect(again.err).toContain('nothing to do');
    }
    expect(await fx.live(poolId)).toEqual(live);
  });
});
