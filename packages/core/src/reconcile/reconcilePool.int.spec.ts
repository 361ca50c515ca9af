import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  DeleteGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { countingReader, type SamplePoolOnFake, startSamplePoolOnFake } from '@cognito-rewind/testkit';
import type { Sample } from '@cognito-rewind/testkit/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { MemoryCheckpointStore } from '../adapters/memory/memoryCheckpointStore.js';
import { toArray } from '../asyncIterables.js';
import { takeBackup } from '../backup/takeBackup.js';
import { captureEntity } from '../capture/captureEntity.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { verifyChain } from '../changes/verifyChain.js';
import { readPoolState } from '../cognito/readPoolState.js';
import { CheckpointCorruptError } from '../errors.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog, Clock, CognitoReader } from '../ports.js';
import { stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { readReconcileState, seenChunkName } from './reconcileCheckpoint.js';
import { type ReconcileDeps, reconcilePool } from './reconcilePool.js';
import { reconcileDue, requestReconcile } from './reconcileSchedule.js';

let now = Date.parse('2024-06-01T10:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
const tick = (ms = 1_000) => {
  now += ms;
};

let fake: SamplePoolOnFake;
let cognito: CognitoIdentityProviderClient;
let sample: Sample;
let deps: ReconcileDeps;
let calls: Map<string, number>;
/** After the first full read's baselines (also `source: reconcile`). */
let afterBaseline: string;

beforeEach(async () => {
  fake = await startSamplePoolOnFake(clock);
  ({ cognito, sample } = fake);
  const counted = countingReader(fake.reader);
  calls = counted.calls;
  deps = {
    reader: counted.reader,
    changeLog: new MemoryChangeLog(),
    snapshots: new SnapshotStore(new MemoryBlobStore()),
    checkpoints: new MemoryCheckpointStore(),
    clock,
  };
  // The first full read: baselines for every entity (what the snapshot handler's first read does).
  await takeBackup(deps, sample.poolId);
  calls.clear();
  tick(60_000);
  afterBaseline = clock.now().toISOString();
});

afterEach(() => fake?.stop());

const send: CognitoIdentityProviderClient['send'] = (command: never) => cognito.send(command);

const DRIFTED = new Set([
  'group:admins',
  'user:alice',
  'user:bob/builder',
  'user:dörte',
  'user:eve',
  'user:zoe',
]);

/** Drift nobody captured: changes made straight on the pool, events lost. */
async function driftThePool(): Promise<void> {
  const UserPoolId = sample.poolId;
  await send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId,
      Username: 'alice',
      UserAttributes: [{ Name: 'custom:tenant', Value: 'drifted' }],
    }),
  );
  await send(new AdminDisableUserCommand({ UserPoolId, Username: 'dörte' }));
  await send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'eve', GroupName: 'editors' }));
  await send(new AdminDeleteUserCommand({ UserPoolId, Username: 'bob/builder' }));
  await send(new AdminCreateUserCommand({ UserPoolId, Username: 'zoe', MessageAction: 'SUPPRESS' }));
  await send(new DeleteGroupCommand({ UserPoolId, GroupName: 'admins' }));
  tick(5_000);
}

/** The pool's entities as a fresh full read gives them, MFA settings aside (reconcile keeps recorded ones). */
async function truth(): Promise<Map<string, JsonObject>> {
  const scan = await readPoolState(fake.reader, sample.poolId, undefined, { userMfa: false });
  return new Map(scan.entities.map(({ key, doc }) => [key, withoutMfa(doc)]));
}

async function recorded(): Promise<Map<string, JsonObject>> {
  const state = await stateAt(deps, sample.poolId, clock.now().toISOString());
  const entries = await toArray(state.entities);
  return new Map(entries.map(({ key, doc }) => [key, withoutMfa(doc)]));
}

function withoutMfa(doc: JsonObject): JsonObject {
  const { mfa: _mfa, ...rest } = doc;
  return rest;
}

async function reconcileRecords(log: ChangeLog): Promise<ChangeRecord[]> {
  const all = await toArray(log.timeline(sample.poolId));
  return all.filter((record) => record.source === 'reconcile' && record.observedAt >= afterBaseline);
}

describe('reconcile: a full read by list operations, diffed page by page', () => {
  it('records every drift once as source reconcile, deletes what vanished, and makes no per-user call', async () => {
    await driftThePool();
    const result = await reconcilePool(deps, sample.poolId);
    expect(result).toMatchObject({ done: true, resumed: false });
    // alice, dörte, eve (membership), zoe (new), and alice + dörte again for admins' deletion — each
    // user once: alice's attribute and lost group are one document.
    expect(result.counts).toMatchObject({ drift: 3, baselines: 1, deletes: 2, stale: 0 });
    expect(await recorded()).toEqual(await truth());

    const records = await reconcileRecords(deps.changeLog);
    expect(new Set(records.map((record) => record.entity))).toEqual(DRIFTED);
    // alice and dörte changed in a way Cognito dates (attributes, enabled) and one it does not (the
    // group deleted under them): two steps each, as nextRecords splits them.
    expect(records).toHaveLength(8);
    for (const entity of new Set(records.map((record) => record.entity)))
      expect(verifyChain(await toArray(deps.changeLog.entityHistory(sample.poolId, entity)))).toEqual([]);

    // List operations: pages of users and of group members, never a call per user — but one for
    // each deletion candidate (bob), confirmed gone before his delete is written.
    for (const perUser of ['getUserMfa', 'listGroupsForUser', 'findUsernameBySub'])
      expect(calls.get(perUser) ?? 0).toBe(0);
    expect(calls.get('getUser')).toBe(1);
    // Six users listed in pages of two (zoe in, bob out): three pages, the last without a token.
    expect(calls.get('listUsersPage')).toBe(3);
    expect(result.pages).toBe(3);

    // The run's seen hashes are scratch: gone once it finished.
    expect(await deps.checkpoints.get(seenChunkName(sample.poolId, result.runId, 0))).toBeUndefined();
    expect(await deps.checkpoints.get(seenChunkName(sample.poolId, result.runId, 2))).toBeUndefined();

    // Nothing has drifted since: a second run writes nothing.
    tick(60_000);
    const again = await reconcilePool(deps, sample.poolId);
    expect(again.counts).toEqual({ drift: 0, baselines: 0, deletes: 0, stale: 0 });
    expect(await reconcileRecords(deps.changeLog)).toHaveLength(records.length);
  });

  it('stops at a checkpoint and resumes where it stopped, writing and counting each drift once', async () => {
    await driftThePool();
    let pagesAllowed = 1;
    const stopAfterPages = () => {
      const stop = pagesAllowed <= 0;
      pagesAllowed -= 1;
      return stop;
    };
    const first = await reconcilePool(deps, sample.poolId, { shouldStop: stopAfterPages });
    expect(first).toMatchObject({ done: false, pages: 1 });
    const { state } = await readReconcileState(deps.checkpoints, sample.poolId);
    expect(state.run).toMatchObject({ phase: 'users', pages: 1, runId: first.runId });
    expect(state.run?.token).toEqual(expect.any(String));

    tick(1_000);
    pagesAllowed = 1;
    const second = await reconcilePool(deps, sample.poolId, { shouldStop: stopAfterPages });
    expect(second).toMatchObject({ done: false, resumed: true, runId: first.runId, pages: 2 });
    tick(1_000);
    const last = await reconcilePool(deps, sample.poolId);
    expect(last).toMatchObject({ done: true, resumed: true, runId: first.runId, pages: 3 });
    expect(last.counts).toMatchObject({ drift: 3, baselines: 1, deletes: 2 });
    expect(await recorded()).toEqual(await truth());
    // The same records an uninterrupted run writes (see above), none twice over three invocations.
    const records = await reconcileRecords(deps.changeLog);
    expect(new Set(records.map((record) => record.entity))).toEqual(DRIFTED);
    expect(records).toHaveLength(8);
    // The run never went back to page one: three pages read in all, one per invocation.
    expect(calls.get('listUsersPage')).toBe(3);
  });

  it('dies mid-page, is run again, and still writes each drift once', async () => {
    await driftThePool();
    let appends = 0;
    const dying: ChangeLog = new Proxy(deps.changeLog, {
      get(target, property, receiver) {
        if (property !== 'append') return Reflect.get(target, property, receiver);
        return async (record: ChangeRecord) => {
          appends += 1;
          if (appends === 3) throw new Error('the invocation was killed');
          return target.append(record);
        };
      },
    });
    await expect(reconcilePool({ ...deps, changeLog: dying }, sample.poolId)).rejects.toThrow('killed');
    tick(1_000);
    const retried = await reconcilePool(deps, sample.poolId);
    expect(retried).toMatchObject({ done: true, resumed: true });
    expect(await recorded()).toEqual(await truth());
    const records = await reconcileRecords(deps.changeLog);
    expect(new Set(records.map((record) => record.entity))).toEqual(DRIFTED);
    expect(records).toHaveLength(8);
    expect(retried.counts.drift + retried.counts.baselines + retried.counts.deletes).toBe(6);
  });

  it('never deletes what the log learnt of after the run began: a user created and captured meanwhile', async () => {
    // Every page read, the vanished phase not yet run (the invocation ran out of time).
    let pages = 0;
    const result = await reconcilePool(deps, sample.poolId, { shouldStop: () => pages++ >= 3 });
    expect(result.done).toBe(false);
    tick(2_000);
    await send(
      new AdminCreateUserCommand({ UserPoolId: sample.poolId, Username: 'late', MessageAction: 'SUPPRESS' }),
    );
    await captureEntity(deps, sample.poolId, 'user:late', { userMfa: false });
    tick(2_000);
    const done = await reconcilePool(deps, sample.poolId);
    expect(done).toMatchObject({ done: true });
    // Not on any page the run read, yet not a deletion: candidates are what the log held at the run's start.
    expect(done.counts).toMatchObject({ deletes: 0, stale: 0 });
    expect((await deps.changeLog.head(sample.poolId, 'user:late'))?.after).not.toBeNull();
  });

  it('keeps running when a request arrives mid-run, and keeps the request for the next run', async () => {
    let pages = 0;
    const asking: CognitoReader = new Proxy(deps.reader, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'listUsersPage' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (++pages === 2) {
            tick(1_000);
            await requestReconcile(
              deps.checkpoints,
              sample.poolId,
              'the members of deleted group admins',
              clock,
            );
          }
          return value.apply(target, args);
        };
      },
    });
    const result = await reconcilePool({ ...deps, reader: asking }, sample.poolId);
    expect(result).toMatchObject({ done: true });
    expect(result.superseded).toBeUndefined();
    const { state } = await readReconcileState(deps.checkpoints, sample.poolId);
    expect(state.requested?.reason).toBe('the members of deleted group admins');
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: 86_400_000, clock })).toBe(true);
  });

  it('stops on a damaged seen-hash chunk instead of deleting the entities it held', async () => {
    let checks = 0;
    // Every page read, the vanished phase not yet run.
    expect((await reconcilePool(deps, sample.poolId, { shouldStop: () => checks++ >= 3 })).done).toBe(false);
    const { state } = await readReconcileState(deps.checkpoints, sample.poolId);
    const name = seenChunkName(sample.poolId, state.run?.runId ?? '', 1);
    const chunk = await deps.checkpoints.get(name);
    await deps.checkpoints.put(name, { count: 2, hashes: '' }, chunk?.revision);
    await expect(reconcilePool(deps, sample.poolId)).rejects.toBeInstanceOf(CheckpointCorruptError);
    expect((await reconcileRecords(deps.changeLog)).filter((record) => record.after === null)).toEqual([]);
  });

  it('confirms each deletion candidate: a user a listing skipped is not recorded as gone', async () => {
    const skipping: CognitoReader = new Proxy(deps.reader, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'listUsersPage' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const page = await value.apply(target, args);
          return {
            ...page,
            users: page.users.filter((user: { Username?: string }) => user.Username !== 'eve'),
          };
        };
      },
    });
    const result = await reconcilePool({ ...deps, reader: skipping }, sample.poolId);
    expect(result.counts.deletes).toBe(0);
    expect((await deps.changeLog.head(sample.poolId, 'user:eve'))?.after).not.toBeNull();
  });

  it('starts the listing again when a stored token has expired, counting each drift once', async () => {
    await driftThePool();
    let checks = 0;
    await reconcilePool(deps, sample.poolId, { shouldStop: () => checks++ >= 1 });
    let refused = 0;
    const expiring: CognitoReader = new Proxy(deps.reader, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'listUsersPage' || typeof value !== 'function') return value;
        return async (poolId: string, token?: string) => {
          if (token !== undefined && refused === 0) {
            refused += 1;
            throw Object.assign(new Error(`Paging marker ${token} is invalid for request`), {
              name: 'InvalidParameterException',
            });
          }
          return value.call(target, poolId, token);
        };
      },
    });
    const done = await reconcilePool({ ...deps, reader: expiring }, sample.poolId);
    expect(refused).toBe(1);
    expect(done).toMatchObject({ done: true, resumed: true, counts: { drift: 3, baselines: 1, deletes: 2 } });
    expect(await reconcileRecords(deps.changeLog)).toHaveLength(8);
    expect(await recorded()).toEqual(await truth());
  });

  it('closes a run too old to continue as abandoned and starts a new one', async () => {
    let checks = 0;
    const first = await reconcilePool(deps, sample.poolId, { shouldStop: () => checks++ >= 1 });
    tick(49 * 3_600_000);
    const next = await reconcilePool(deps, sample.poolId);
    expect(next).toMatchObject({ done: true, resumed: false });
    expect(next.runId).not.toBe(first.runId);
  });

  it('gives way when another invocation took the run over', async () => {
    const name = `reconcile/${sample.poolId}`;
    let puts = 0;
    const contested = new Proxy(deps.checkpoints, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'put' || typeof value !== 'function') return value;
        return async (key: string, stored: JsonObject, revision: number | undefined) => {
          const answer = await value.call(target, key, stored, revision);
          // After this invocation's second checkpoint, another one starts a run of its own.
          if (key === name && ++puts === 2) {
            const other = { ...stored, run: { ...(stored.run as JsonObject), runId: 'another' } };
            await value.call(target, key, other, answer);
          }
          return answer;
        };
      },
    });
    const result = await reconcilePool({ ...deps, checkpoints: contested }, sample.poolId);
    expect(result.done).toBe(false);
    expect(result.superseded).toMatch(/another run moved it/);
    const { state } = await readReconcileState(deps.checkpoints, sample.poolId);
    expect(state.run?.runId).toBe('another');
  });

  it('is due when never run, while a run is under way, when asked for, and once a day', async () => {
    const day = 24 * 3_600_000;
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: day, clock })).toBe(true);
    let checks = 0;
    // The settings and one page, then out of time.
    await reconcilePool(deps, sample.poolId, { shouldStop: () => checks++ >= 1 });
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: day, clock })).toBe(true);
    await reconcilePool(deps, sample.poolId);
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: day, clock })).toBe(false);
    tick(1_000);
    await requestReconcile(deps.checkpoints, sample.poolId, 'the members of deleted group admins', clock);
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: day, clock })).toBe(true);
    await reconcilePool(deps, sample.poolId);
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: day, clock })).toBe(false);
    tick(day);
    expect(await reconcileDue(deps.checkpoints, sample.poolId, { every: day, clock })).toBe(true);
  });

  it('leaves to capture what Cognito dates within the grace period, then records it as drift of this run', async () => {
    await send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: sample.poolId,
        Username: 'alice',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'grace' }],
      }),
    );
    tick(60_000);
    // A minute later its event may still be on its way (CloudTrail is ~5 minutes late): not drift yet.
    const early = await reconcilePool(deps, sample.poolId, { graceMs: 15 * 60_000 });
    expect(early.counts).toMatchObject({ drift: 0 });
    expect((await deps.changeLog.head(sample.poolId, 'user:alice'))?.after).not.toMatchObject({
      attributes: { 'custom:tenant': 'grace' },
    });
    tick(15 * 60_000);
    const late = await reconcilePool(deps, sample.poolId, { graceMs: 15 * 60_000 });
    expect(late.counts).toMatchObject({ drift: 1 });
    const head = await deps.changeLog.head(sample.poolId, 'user:alice');
    // No event explained it: drift of unknown cause, dated by Cognito, naming the run that found it.
    expect(head).toMatchObject({ source: 'reconcile', after: { attributes: { 'custom:tenant': 'grace' } } });
    expect(head?.event).toBeUndefined();
    expect(head?.cause?.reconcileRun).toEqual(expect.any(String));
    expect(Date.parse(head?.validFrom ?? '')).toBeLessThan(Date.parse(afterBaseline) + 1_000);
  });
});
