import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { collectState, prepareRestore, stateAt } from '@cognito-rewind/core';
import { AwsCognitoReader } from '@cognito-rewind/core/adapters/aws';
import { afterEach, describe, expect, it } from 'vitest';
import { type StackInTempDir, stackInTempDir } from './localStackTruth.testing.js';

/**
 * The true history through `pnpm start`'s pipeline as AWS delivers it: events held back and shuffled
 * (`--event-delay`, `--event-order shuffled`), a burst of calls, and what the history says then.
 */

const HOUR = 3_600_000;
const DELAY_MS = 2_500;
let running: StackInTempDir | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Calls at about `perSecond`, one after the other, as a script would make them. */
async function paced<T>(items: readonly T[], perSecond: number, send: (item: T) => Promise<unknown>) {
  const started = Date.now();
  for (const [index, item] of items.entries()) {
    const wait = started + (index * 1000) / perSecond - Date.now();
    if (wait > 0) await sleep(wait);
    await send(item);
  }
}

describe('the true history under delivery delay, bursts and reordering', () => {
  it('a burst of creates then updates: at the moment the creates returned every user is there, and a restore there deletes nobody', async () => {
    running = await stackInTempDir('burst', {
      eventDelayMs: DELAY_MS,
      eventOrder: 'shuffled',
      snapshotEveryMs: HOUR,
      archiveEveryMs: HOUR,
      pollEveryMs: HOUR,
    });
    const { stack, cognito } = running;
    const UserPoolId =
      (await cognito.send(new CreateUserPoolCommand({ PoolName: 'burst' }))).UserPool?.Id ?? '';
    await sleep(DELAY_MS + 500);
    await stack.settle();
    const names = Array.from({ length: 40 }, (_, i) => `b${String(i).padStart(2, '0')}`);
    await paced(names, 30, (Username) =>
      cognito.send(new AdminCreateUserCommand({ UserPoolId, Username, MessageAction: 'SUPPRESS' })),
    );
    // cognito-local dates users in whole seconds, so a creation is known by the end of its second
    // (AWS dates them to the millisecond): the end of the second the last create returned in.
    const createsReturned = new Date(Math.floor(Date.now() / 1000) * 1000 + 999).toISOString();
    await sleep(Date.parse(createsReturned) + 100 - Date.now());
    await paced(names, 30, (Username) =>
      cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId,
          Username,
          UserAttributes: [{ Name: 'name', Value: `after ${Username}` }],
        }),
      ),
    );
    // b00 is deleted once capture knows it (a user created and deleted before any of its events is
    // captured cannot be named at all: CloudTrail masks the username, and its sub is gone).
    await sleep(DELAY_MS + 1_000);
    await stack.settle();
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'b00' }));
    await sleep(DELAY_MS + 1_000);
    await stack.settle();

    const then = await collectState(await stateAt(stack.store, UserPoolId, createsReturned));
    expect(Object.keys(then.users).sort()).toEqual(names);
    const reader = new AwsCognitoReader(cognito);
    const { plan } = await prepareRestore(
      { ...stack.store, reader },
      { sourcePoolId: UserPoolId, targetPoolId: UserPoolId, at: createsReturned, mode: 'exact' },
    );
    const deletions = plan.tasks.flatMap((task) => task.actions).filter((a) => a.kind === 'deleteUser');
    expect(deletions).toEqual([]);
    // b00 was deleted since: the restore brings it back.
    expect(plan.tasks.find((task) => task.entity === 'user:b00')?.actions.map((a) => a.kind)).toContain(
      'createUser',
    );
    // Once every event is in, the present is exact and nothing is unknown.
    const now = await collectState(await stateAt(stack.store, UserPoolId, new Date().toISOString()));
    expect(now.unknown).toBeUndefined();
    expect(Object.keys(now.users).sort()).toEqual(names.slice(1));
    for (const name of names.slice(1))
      expect(now.users[name]?.attributes).toMatchObject({ name: `after ${name}` });
    const deletion = [];
    for await (const record of stack.store.changeLog.entityHistory(UserPoolId, 'user:b00'))
      if (record.change?.whole === null) deletion.push(record);
    expect(deletion.map((record) => record.event?.name)).toEqual(['AdminDeleteUser']);
  });
});
