import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { ChangeRecord } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../src/local/stack/queueJournal.js';
import { captureQueuePath } from '../src/local/stack/stackCaptureQueue.js';
import { readStackFile, stackFilePath } from '../src/local/stack/stackFile.js';
import { run } from './localStackTruth.testing.js';
import { openLocalStore } from './localStore.testing.js';
import { clearOfSecondBoundary } from './secondBoundary.testing.js';
import { bin, killGroup, type StackProcess, startProcess, until } from './stackProcess.testing.js';

/**
 * `kill -9` of `pnpm start` with events still held on the capture queue (CloudTrail's delivery delay):
 * every call the tap answered is captured, with its event, by the next start.
 */

const CALLS = 10;
let work: string;
const started: StackProcess[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-crash-'));
});

afterAll(async () => {
  // A failed assertion must not leave a stack running (its servers stop themselves once it is gone).
  for (const stack of started) killGroup(stack.child, 'SIGKILL');
  await rm(work, { recursive: true, force: true });
});

interface HeldEvent {
  detail: { eventID: string; eventName: string };
}

/** The events the journal holds for capture, as the tap emitted them. */
async function heldEvents(): Promise<HeldEvent[]> {
  const { messages } = readJournal(await readFile(captureQueuePath(work), 'utf8'));
  return messages.map((m) => JSON.parse(m.body) as HeldEvent);
}

/** Every record of the pool's users, once each of `usernames` has one carrying an event. */
async function capturedUsers(poolId: string, usernames: readonly string[]) {
  const store = openLocalStore(join(work, 'store'), { mustExist: false });
  try {
    const records: ChangeRecord[] = [];
    for await (const record of store.changeLog.timeline(poolId)) records.push(record);
    const users = records.filter((r) => r.entity.startsWith('user:'));
    const done = usernames.every((name) => users.some((r) => r.entity === `user:${name}` && r.event));
    return done ? users : undefined;
  } finally {
    store.close();
  }
}

/**
 * A pool in the stack's cognito-local data, made before the stack starts: the stack reads it at
 * startup, instead of at its first poll two seconds later.
 */
async function poolBeforeTheStack(): Promise<string> {
  const cognito = await startCognitoLocal({ dataDir: join(work, 'local', 'cognito-local') });
  const client = createCognitoClient({ endpoint: cognito.endpoint, region: 'us-east-1' });
  try {
    return (await client.send(new CreateUserPoolCommand({ PoolName: 'crash' }))).UserPool?.Id ?? '';
  } finally {
    client.destroy();
    await cognito.stop();
  }
}

describe('restore-cli start killed with -9', () => {
  it('captures every answered call at the next start, with its event; stack.json reads stopped meanwhile', async () => {
    expect(existsSync(bin), `${bin} is missing: build first (tsc -b)`).toBe(true);
    const poolId = await poolBeforeTheStack();
    // Events held ten minutes: none of the calls below is captured before the kill.
    const first = await startProcess(work, ['--event-delay', '10m']);
    started.push(first);
    expect(first.output()).toContain('events held 10m, in order');
    // The startup's full read of the pool: after it, only capture records its users.
    await until('the pool read at startup', async () =>
      first.output().includes(`reconcile  ${poolId}:`) ? true : undefined,
    );
    const cognito = createCognitoClient({ endpoint: first.info.cognitoEndpoint, region: first.info.region });
    const usernames = Array.from({ length: CALLS }, (_, n) => `crash-${n}`);
    try {
      for (const Username of usernames) {
        await clearOfSecondBoundary();
        await cognito.send(
          new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: 'SUPPRESS' }),
        );
      }
    } finally {
      cognito.destroy();
    }
    killGroup(first.child, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    // The file still says running; whoever reads it finds the process gone.
    const onDisk = JSON.parse(await readFile(stackFilePath(work), 'utf8'));
    expect(onDisk).toMatchObject({ status: 'running', pid: first.info.pid });
    expect(await readStackFile(work)).toMatchObject({ status: 'stopped', pid: first.info.pid });
    const reconcile = await run(work, ['reconcile', '--local', work, '--pool', poolId]);
    expect(reconcile.code).toBe(2);
    expect(reconcile.err).toContain('is not running');

    // Every call the tap answered has its event on disk; none was captured.
    const held = (await heldEvents()).filter((e) => e.detail.eventName === 'AdminCreateUser');
    expect(held).toHaveLength(CALLS);
    expect(await capturedUsers(poolId, usernames.slice(0, 1))).toBeUndefined();

    // A new start over the dead one's stack file, with no delay: the leftovers are captured first.
    const second = await startProcess(work, ['--event-order', 'shuffled']);
    started.push(second);
    expect(second.output()).toContain('events delivered at once, shuffled');
    const users = await until('every call captured', () => capturedUsers(poolId, usernames)).catch(
      async (error: Error) => {
        const records = (await capturedUsers(poolId, [])) ?? [];
        const seen = records.map((r) => `${r.entity} v${r.version} ${r.source} ${r.event?.name ?? '-'}`);
        throw new Error(`${error.message}\nrecords:\n${seen.join('\n')}\nstack output:\n${second.output()}`);
      },
    );
    expect(second.output()).toMatch(/capture {4}\d+ event\(s\) accepted by the last run/);
    const captured = users.filter((r) => r.event?.name === 'AdminCreateUser');
    expect(captured.map((r) => r.entity).sort()).toEqual(usernames.map((name) => `user:${name}`).sort());
    expect(captured.map((r) => r.event?.eventId).sort()).toEqual(held.map((e) => e.detail.eventID).sort());
    expect(captured.every((r) => r.source === 'cloudtrail')).toBe(true);

    killGroup(second.child, 'SIGINT');
    expect(await second.exited).toBe(0);
    // Stopped cleanly: nothing is left for the next start.
    expect(await heldEvents()).toEqual([]);
    expect(await readStackFile(work)).toMatchObject({ status: 'stopped', pid: second.info.pid });
  }, 60_000);
});
