import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  backupNow,
  type FakeRestoreEnv,
  livePool,
  runRestore,
  seedFullPool,
  startFakeRestoreEnv,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toArray } from '../asyncIterables.js';
import { captureEntity } from '../capture/captureEntity.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { verifyChain } from '../changes/verifyChain.js';
import { VersionConflictError } from '../errors.js';
import type { CognitoWriter } from '../ports.js';

let env: FakeRestoreEnv;

beforeAll(async () => {
  env = await startFakeRestoreEnv();
});

afterAll(() => env?.stop());

/** Capture as it runs in the local stack: each restore call's event captured the moment it returns. */
function capturedWriter(poolId: string): CognitoWriter {
  const deps = { reader: env.reader, changeLog: env.store.changeLog, clock: env.clock };
  return new Proxy(env.writer, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'createUser' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const answer = await value.apply(target, args);
        env.advance(1_000);
        await captureEntity(deps, poolId, `user:${String(args[1])}`, { userMfa: true });
        return answer;
      };
    },
  });
}

/**
 * A full pool backed up at `at`, then one of its users deleted a minute later (captured when
 * `captured`): what each test restores.
 */
async function userDeletedAfterBackup({ captured }: { captured: boolean }) {
  const { poolId } = await seedFullPool(env);
  const at = await backupNow(env, poolId);
  const username = [...(await livePool(env, poolId)).keys()]
    .find((key) => key.startsWith('user:'))
    ?.slice('user:'.length);
  if (username === undefined) throw new Error('the full pool has users');
  env.advance(60_000);
  await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: username }));
  if (captured) {
    const deps = { reader: env.reader, changeLog: env.store.changeLog, clock: env.clock };
    await captureEntity(deps, poolId, `user:${username}`, { userMfa: true });
  }
  env.advance(60_000);
  return { poolId, at, username };
}

it('a restore beside live capture writes no false history: the re-created user is not recorded deleted again', async () => {
  const { poolId, at, username } = await userDeletedAfterBackup({ captured: true });

  const { result } = await runRestore(
    env,
    { sourcePoolId: poolId, at, mode: 'undo', users: [username] },
    { apply: { writer: capturedWriter(poolId) } },
  );
  expect(result.ok).toBe(true);

  const history = await toArray(env.store.changeLog.entityHistory(poolId, `user:${username}`));
  expect(verifyChain(history)).toEqual([]);
  // The baseline (one or two records), the captured deletion, the captured re-creation, then the
  // restore's read-back of what the re-creation left out (memberships, MFA): never a deletion again.
  const deletion = history.findIndex((record) => record.after === null);
  expect(history[deletion]?.source).toBe('cloudtrail');
  expect(history.slice(0, deletion).every((record) => record.source === 'reconcile')).toBe(true);
  expect(history[deletion + 1]?.source).toBe('cloudtrail');
  const afterwards = history.slice(deletion + 1);
  expect(afterwards.every((record) => record.after !== null)).toBe(true);
  expect(afterwards.map((record) => record.source)).toEqual(['cloudtrail', 'restore']);
});

it('reports the entities whose history other writers kept it from writing, and still restores them', async () => {
  const { poolId, at, username } = await userDeletedAfterBackup({ captured: false });
  const log = env.store.changeLog;
  const contested = new Proxy(log, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver);
      return async (record: ChangeRecord) => {
        if (record.entity === `user:${username}`)
          throw new VersionConflictError(record.entity, record.version);
        return target.append(record);
      };
    },
  });
  const { result } = await runRestore(
    env,
    { sourcePoolId: poolId, at, mode: 'undo', users: [username] },
    { apply: { changeLog: contested } },
  );
  expect(result.ok).toBe(true);
  expect(result.historyNotWritten).toEqual([`user:${username}`]);
  expect((await livePool(env, poolId)).has(`user:${username}`)).toBe(true);
});
