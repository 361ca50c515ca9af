import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminCreateUserCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ChangeRecord } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalStackOptions } from '../src/local/stack/localStack.js';
import { type StackInTempDir, stackInTempDir } from './localStackTruth.testing.js';
import { clearOfSecondBoundary } from './secondBoundary.testing.js';

/**
 * The local stack delivers events the way AWS does when asked to: held for a delay before capture can
 * receive them (CloudTrail's minutes), and, shuffled, in any order among those due together. Every
 * capture names the caller by the key that signed the call.
 */

const HOUR = 3_600_000;
const ALICE = 'AKIAALICE0000000000A';
const BOB = 'AKIABOB00000000000B0';
const running: StackInTempDir[] = [];
const clients: CognitoIdentityProviderClient[] = [];

/** A stack whose timers stay out of the way: only capture writes records. */
async function quietStack(name: string, options: Omit<LocalStackOptions, 'dir' | 'port'>) {
  const activity: string[] = [];
  const problems: string[] = [];
  const started = await stackInTempDir(name, {
    snapshotEveryMs: HOUR,
    archiveEveryMs: HOUR,
    pollEveryMs: HOUR,
    onActivity: (line) => activity.push(line),
    onProblem: (line) => problems.push(line),
    ...options,
  });
  running.push(started);
  // The startup reads (a reconcile of every pool) are over before any call: only capture records.
  await started.stack.settle();
  return { ...started, activity, problems };
}

const clientAs = (endpoint: string, accessKeyId: string) => {
  const client = createCognitoClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'local' },
  });
  clients.push(client);
  return client;
};

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The capture lines' entities, in the order capture received the events. */
const captured = (activity: readonly string[]) =>
  activity.flatMap((line) => /^capture {4}\w+ on \S+: (\S+) v\d+/.exec(line)?.[1] ?? []);

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const stack of running.splice(0)) await stack.stop();
});

describe('the local stack delivers events as AWS does', () => {
  it('--event-delay: a call is captured only once its event was held that long, named by its caller', async () => {
    const { stack, activity, problems } = await quietStack('event-delay', { eventDelayMs: 1_500 });
    expect(stack.info.captureQueue).toMatchObject({ eventDelayMs: 1_500, eventOrder: 'in-order' });
    const alice = clientAs(stack.cognitoEndpoint, ALICE);
    const bob = clientAs(stack.cognitoEndpoint, BOB);
    await clearOfSecondBoundary();
    const poolId = (await alice.send(new CreateUserPoolCommand({ PoolName: 'held' }))).UserPool?.Id ?? '';
    await clearOfSecondBoundary();
    await bob.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'by-bob' }));
    await clearOfSecondBoundary();
    await alice.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dana', MessageAction: 'SUPPRESS' }),
    );
    const answeredAt = Date.now();
    const { changeLog } = stack.store;

    await sleep(700);
    expect(await changeLog.head(poolId, 'user:dana')).toBeUndefined();
    expect(captured(activity)).toEqual([]);

    const dana = await until('dana captured', () => changeLog.head(poolId, 'user:dana'));
    // Held from before the call was answered: at least the delay less the answer's own time.
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(1_200);
    const group = (await changeLog.head(poolId, 'group:by-bob')) as ChangeRecord;
    expect(dana.event).toMatchObject({
      name: 'AdminCreateUser',
      eventId: expect.any(String),
      actorType: 'IAMUser',
      actorArn: `arn:aws:iam::000000000000:user/${ALICE}`,
    });
    expect(group.event).toMatchObject({
      name: 'CreateGroup',
      actorArn: `arn:aws:iam::000000000000:user/${BOB}`,
    });
    // Two keys, two callers.
    expect(group.event?.actorPrincipal).not.toBe(dana.event?.actorPrincipal);
    // In order: as the calls were made (the lines come once their batch is settled).
    const lines = await until('the capture lines', async () =>
      captured(activity).length >= 3 ? captured(activity) : undefined,
    );
    expect(lines).toEqual(['pool', 'group:by-bob', 'user:dana']);
    expect(problems).toEqual([]);
  });

  it('--event-order shuffled: events due together reach capture in another order, each one captured', async () => {
    const { stack, cognito, activity, problems } = await quietStack('event-order', {
      eventOrder: 'shuffled',
    });
    const poolId =
      (await cognito.send(new CreateUserPoolCommand({ PoolName: 'shuffled' }))).UserPool?.Id ?? '';
    await stack.settle();
    activity.splice(0);
    const groups = Array.from({ length: 12 }, (_, n) => `g${String(n).padStart(2, '0')}`);
    for (const name of groups) {
      await clearOfSecondBoundary();
      await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: name }));
    }
    await stack.settle();

    const order = captured(activity);
    const called = groups.map((name) => `group:${name}`);
    expect(order).not.toEqual(called);
    expect([...order].sort(), activity.join('\n')).toEqual(called);
    for (const name of groups)
      expect((await stack.store.changeLog.head(poolId, `group:${name}`))?.event?.name).toBe('CreateGroup');
    expect(problems).toEqual([]);
  });
});
