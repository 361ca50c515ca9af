import {
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { type SamplePoolOnFake, startSamplePoolOnFake } from '@cognito-rewind/testkit';
import type { Sample } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { captureEntity } from '../capture/captureEntity.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { RawUser } from '../model/raw.js';
import type { ChangeLog, Clock, CognitoReader } from '../ports.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { takeBackup } from './takeBackup.js';

let now = Date.parse('2024-06-01T10:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };

let fake: SamplePoolOnFake;
let cognito: CognitoIdentityProviderClient;
let sample: Sample;

beforeAll(async () => {
  fake = await startSamplePoolOnFake(clock);
  ({ cognito, sample } = fake);
});

afterAll(() => fake?.stop());

/** Capture of one user, as an event about her would trigger it. */
const capture = (reader: CognitoReader, log: ChangeLog, username: string) =>
  captureEntity({ reader, changeLog: log, clock }, sample.poolId, `user:${username}`, { userMfa: true });

/**
 * A reader whose user listing pauses after `username` has been read, while `during` runs: the full
 * read then goes on with what it already holds — an image older than the change `during` makes.
 */
function pausingAfter(
  reader: AwsCognitoReader,
  username: string,
  during: () => Promise<void>,
): CognitoReader {
  return new Proxy(reader, {
    get(target, property, receiver) {
      if (property !== 'listUsers') return Reflect.get(target, property, receiver);
      return async function* listUsers(poolId: string): AsyncIterable<RawUser> {
        for await (const user of target.listUsers(poolId)) {
          yield user;
          if (user.Username === username) await during();
        }
      };
    },
  });
}

describe('a full read beside capture never moves an entity back', () => {
  it('keeps the change and the deletion capture recorded while the scan ran, and writes the rest', async () => {
    const log = new MemoryChangeLog();
    const snapshots = new SnapshotStore(new MemoryBlobStore());
    const { reader } = fake;
    const first = await takeBackup({ reader, snapshots, changeLog: log, clock }, sample.poolId);
    now += 60_000;

    // While the second scan runs: alice (already read) changes, and bob/builder (already read) is
    // deleted; capture records both. The scan's images of them are now the older ones.
    const scanned = pausingAfter(reader, 'bob/builder', async () => {
      now += 5_000;
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: sample.poolId,
          Username: 'alice',
          UserAttributes: [{ Name: 'custom:tenant', Value: 'changed-mid-scan' }],
        }),
      );
      await capture(reader, log, 'alice');
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: sample.poolId, Username: 'bob/builder' }));
      await capture(reader, log, 'bob/builder');
      now += 5_000;
    });
    const second = await takeBackup({ reader: scanned, snapshots, changeLog: log, clock }, sample.poolId);
    expect(second.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kept the recorded state of user:alice: /),
        expect.stringMatching(/^kept the recorded state of user:bob\/builder: /),
      ]),
    );

    // The log's last word on each is capture's; the scan wrote nothing older over it.
    const alice = await toArray(log.entityHistory(sample.poolId, 'user:alice'));
    expect(alice.at(-1)).toMatchObject({ source: 'cloudtrail' });
    expect(alice.at(-1)?.after).toMatchObject({ attributes: { 'custom:tenant': 'changed-mid-scan' } });
    const bob = await toArray(log.entityHistory(sample.poolId, 'user:bob/builder'));
    expect(bob.at(-1)).toMatchObject({ source: 'cloudtrail', after: null });
    expect(verifyChain(alice)).toEqual([]);
    expect(verifyChain(bob)).toEqual([]);

    // And state after the scan is the pool as it is: alice changed, bob gone.
    const state = await collectState(
      await stateAt({ snapshots, changeLog: log }, sample.poolId, second.finishedAt),
    );
    expect((state.users.alice?.attributes as Record<string, string> | undefined)?.['custom:tenant']).toBe(
      'changed-mid-scan',
    );
    expect(Object.keys(state.users)).not.toContain('bob/builder');
    // Before the mid-scan changes, the first backup's state is untouched.
    const before = await collectState(
      await stateAt({ snapshots, changeLog: log }, sample.poolId, first.finishedAt),
    );
    expect(Object.keys(before.users)).toContain('bob/builder');

    // A third scan, with nothing happening beside it, finds nothing to record.
    now += 60_000;
    const third = await takeBackup({ reader, snapshots, changeLog: log, clock }, sample.poolId);
    expect(third.changes).toBe(0);
  });
});
