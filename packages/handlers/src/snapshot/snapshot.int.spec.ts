import {
  type Clock,
  type JsonObject,
  PoolNotFoundError,
  readPoolState,
  type SnapshotManifest,
  SnapshotStore,
} from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureHandler } from '../capture/createCaptureHandler.js';
import { countingReader, damagedBlobs, failOnce } from '../testing/faults.testing.js';
import { cognitoEvent, lambdaContext, messageOf, sqsEvent } from '../testing/lambdaEvents.testing.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';
import { createSnapshotHandler, type SnapshotHandlerDeps } from './createSnapshotHandler.js';

let stack: LoopbackStack;

beforeAll(async () => {
  stack = await startLoopbackStack();
}, 60_000);

afterAll(() => stack?.stop());

function snapshotRun(pools: string[], overrides: Partial<SnapshotHandlerDeps> = {}) {
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const handler = createSnapshotHandler({
    ...stack,
    pools: async () => pools,
    logger,
    metrics,
    ...overrides,
  });
  return { run: () => handler({ source: 'aws.events' }), metrics, logger };
}

/** Captures the events through the capture handler, as the queue would deliver them. */
async function captured(...events: ReturnType<typeof cognitoEvent>[]): Promise<void> {
  const handler = createCaptureHandler({
    ...stack,
    logger: new RecordingLogger(),
    metrics: new RecordingMetrics(),
  });
  const response = await handler(sqsEvent(...events.map((event) => messageOf(event))), lambdaContext());
  expect(response.batchItemFailures).toEqual([]);
}

async function snapshotState(
  manifest: SnapshotManifest,
  from = stack.snapshots,
): Promise<Map<string, JsonObject>> {
  const opened = await from.open(manifest);
  const state = new Map<string, JsonObject>();
  for await (const entry of opened.entries) state.set(entry.key, entry.doc);
  return state;
}

async function fullRead(poolId: string): Promise<Map<string, JsonObject>> {
  const scan = await readPoolState(stack.reader, poolId);
  return new Map(scan.entities.map((entity) => [entity.key, entity.doc]));
}

const subOf = (user: { Attributes?: { Name?: string; Value?: string }[] }) =>
  user.Attributes?.find((a) => a.Name === 'sub')?.Value;

const HOUR = 3_600_000;

/** The system clock moved `ms` ahead: what the snapshot handler dates by, for a run in the future. */
const ahead = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });

/** Between `low` and `low` plus a few seconds' slack (the run's own time). */
const about = (low: number) => expect.toSatisfy((value: number) => value >= low && value < low + 10);

/** A pool's freshness flush: both ages under its PoolId, each about `ages` seconds. */
const freshFlush = (poolId: string, ages: { snapshot?: number; change?: number } = {}) => ({
  dimensions: { service: 'test', PoolId: poolId },
  values: { SnapshotAgeSeconds: about(ages.snapshot ?? 0), LastChangeAgeSeconds: about(ages.change ?? 0) },
  units: { SnapshotAgeSeconds: 'Seconds', LastChangeAgeSeconds: 'Seconds' },
});

const nextSecond = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  // Clear of the next second's boundary: a call whose write crosses it is, by the rules, not its own.
  const into = Date.now() % 1000;
  if (into > 700) await new Promise((resolve) => setTimeout(resolve, 1_050 - into));
};

describe('the hourly snapshot', () => {
  it('reads a new pool once in full, then compacts with no Cognito call to the state a full read finds', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'hourly' });
    await stack.writer.createUser(poolId, 'ann', { name: 'Ann' }, { suppressMessages: true });
    const ben = await stack.writer.createUser(poolId, 'ben', {}, { suppressMessages: true });
    await stack.writer.createGroup(poolId, { GroupName: 'staff', Precedence: 2 });
    const counted = countingReader(stack.reader);
    const { run, metrics } = snapshotRun([poolId], { reader: counted.reader });

    const first = await run();
    expect(first.pools).toEqual([
      expect.objectContaining({ poolId, outcome: 'firstRead', records: expect.any(Number) }),
    ]);
    // List operations only: no per-user call (AdminGetUser) on a schedule.
    expect([...counted.calls.keys()].filter((method) => /getUser|findUsernameBySub/.test(method))).toEqual(
      [],
    );

    await nextSecond();
    // CloudTrail stamps each call when it arrives, before Cognito writes it.
    const eventTime = new Date();
    await stack.writer.updateUserAttributes(poolId, 'ann', { name: 'Ann Lee' });
    await stack.writer.deleteUser(poolId, 'ben');
    const cleo = await stack.writer.createUser(poolId, 'cleo', {}, { suppressMessages: true });
    const annSub = subOf((await stack.reader.getUser(poolId, 'ann')) ?? {});
    await captured(
      cognitoEvent('AdminUpdateUserAttributes', { poolId, sub: annSub, eventTime }),
      cognitoEvent('AdminDeleteUser', { poolId, sub: subOf(ben), eventTime }),
      cognitoEvent('AdminCreateUser', { poolId, sub: subOf(cleo), eventTime }),
    );
    await nextSecond();

    counted.calls.clear();
    const second = await run();
    const [firstPool] = first.pools;
    expect(second.pools).toEqual([
      expect.objectContaining({
        poolId,
        outcome: 'compacted',
        base: firstPool && 'snapshotId' in firstPool ? firstPool.snapshotId : '',
      }),
    ]);
    expect(Object.fromEntries(counted.calls)).toEqual({});

    const manifests = await stack.snapshots.list(poolId);
    expect(manifests.map((m) => m.kind)).toEqual(['scan', 'compaction']);
    const compacted = await snapshotState(manifests[1] as SnapshotManifest);
    expect([...compacted.keys()].filter((key) => key.startsWith('user:'))).toEqual(['user:ann', 'user:cleo']);
    expect(compacted.get('user:ann')).toMatchObject({ attributes: { name: 'Ann Lee' } });
    expect(Object.fromEntries(compacted)).toEqual(Object.fromEntries(await fullRead(poolId)));
    expect(metrics.published).toEqual([
      { PoolsCompacted: 0, PoolsUnchanged: 0, PoolsFirstRead: 1, PoolsFailed: 0, FreshnessFailed: 0 },
      { PoolsCompacted: 1, PoolsUnchanged: 0, PoolsFirstRead: 0, PoolsFailed: 0, FreshnessFailed: 0 },
    ]);
    // After each run, the pool's ages under its PoolId: the snapshot it just made, the records it
    // folded (the first read's baselines, then the captured calls) — both seconds old at most.
    expect(metrics.ofPool(poolId)).toEqual([freshFlush(poolId), freshFlush(poolId)]);
  });

  it('one pool failing does not stop the others, and the result says why', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'survivor' });
    const missing = 'us-east-1_NoSuchPool';
    const { run, metrics, logger } = snapshotRun([missing, poolId]);

    const result = await run();

    expect(result.pools).toEqual([
      {
        poolId: missing,
        outcome: 'failed',
        reason: expect.stringContaining(missing),
        error: 'PoolNotFoundError',
      },
      expect.objectContaining({ poolId, outcome: 'firstRead' }),
    ]);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'ERROR', poolId: missing }));
    expect(metrics.published).toEqual([
      { PoolsCompacted: 0, PoolsUnchanged: 0, PoolsFirstRead: 1, PoolsFailed: 1, FreshnessFailed: 0 },
    ]);
    // Nothing is made up for the pool with neither a snapshot nor a record: it is logged, not published.
    expect(metrics.ofPool(missing)).toEqual([]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ poolId: missing, message: expect.stringMatching(/no snapshot/) }),
    );
    expect(metrics.ofPool(poolId)).toEqual([freshFlush(poolId)]);
  });

  it('compacts from the snapshot before a damaged one, and says so', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'damaged' });
    await stack.writer.createUser(poolId, 'dana', {}, { suppressMessages: true });
    await snapshotRun([poolId]).run();
    await nextSecond();
    const eventTime = new Date();
    const dora = await stack.writer.createUser(poolId, 'dora', {}, { suppressMessages: true });
    await captured(cognitoEvent('AdminCreateUser', { poolId, sub: subOf(dora), eventTime }));
    await nextSecond();
    await snapshotRun([poolId]).run();
    const [good, bad] = await stack.snapshots.list(poolId);
    const damaged = new SnapshotStore(damagedBlobs(stack.blobs, (key) => key === bad?.object));
    await nextSecond();

    const { pools } = await snapshotRun([poolId], { snapshots: damaged }).run();

    expect(pools).toEqual([
      expect.objectContaining({
        outcome: 'compacted',
        base: good?.snapshotId,
        warnings: [expect.stringContaining('not used as the base')],
      }),
    ]);
    const newest = (await stack.snapshots.list(poolId)).at(-1) as SnapshotManifest;
    // Written through the test's store, which has no catalog: read back through it.
    expect(Object.fromEntries(await snapshotState(newest, damaged))).toEqual(
      Object.fromEntries(await fullRead(poolId)),
    );
  });
});

describe('an idle pool', () => {
  it('gets no new snapshot while nothing is appended, and one as soon as something is', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'idle' });
    const gus = await stack.writer.createUser(poolId, 'gus', {}, { suppressMessages: true });
    const first = await snapshotRun([poolId]).run();
    const [read] = first.pools;
    await nextSecond();

    const { run, metrics, logger } = snapshotRun([poolId]);
    const idle = await run();
    expect(idle.pools).toEqual([
      {
        poolId,
        outcome: 'unchanged',
        snapshotId: read && 'snapshotId' in read ? read.snapshotId : '',
        at: read && 'at' in read ? read.at : '',
        warnings: [],
      },
    ]);
    expect((await stack.snapshots.list(poolId)).map((m) => m.kind)).toEqual(['scan']);
    expect(metrics.published).toEqual([
      { PoolsCompacted: 0, PoolsUnchanged: 1, PoolsFirstRead: 0, PoolsFailed: 0, FreshnessFailed: 0 },
    ]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: expect.stringMatching(/skipped/) }),
    );

    const eventTime = new Date();
    await stack.writer.setUserEnabled(poolId, 'gus', false);
    await captured(cognitoEvent('AdminDisableUser', { poolId, sub: subOf(gus), eventTime }));
    await nextSecond();
    expect((await run()).pools).toEqual([expect.objectContaining({ poolId, outcome: 'compacted' })]);
    expect((await stack.snapshots.list(poolId)).map((m) => m.kind)).toEqual(['scan', 'compaction']);
  });

  it('is not taken for up to date by a snapshot dated in the future, nor compacted from one', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'future' });
    const hal = await stack.writer.createUser(poolId, 'hal', {}, { suppressMessages: true });
    await snapshotRun([poolId]).run();
    const [scan] = await stack.snapshots.list(poolId);
    if (scan === undefined) throw new Error('no first snapshot');
    // A snapshot a day ahead, the table vouching for it (a writer whose clock ran ahead).
    const opened = await stack.snapshots.open(scan);
    const ahead = new Date(Date.now() + 24 * 3600_000);
    const future = await stack.snapshots.write(
      {
        ...opened.header,
        snapshotId: '01J00000000000000000000FAR',
        at: ahead.toISOString(),
        createdAt: ahead.toISOString(),
      },
      opened.entries,
    );
    await nextSecond();
    const eventTime = new Date();
    await stack.writer.setUserEnabled(poolId, 'hal', false);
    await captured(cognitoEvent('AdminDisableUser', { poolId, sub: subOf(hal), eventTime }));
    await nextSecond();

    const { pools } = await snapshotRun([poolId]).run();

    expect(pools).toEqual([
      expect.objectContaining({
        outcome: 'compacted',
        base: scan.snapshotId,
        warnings: [expect.stringContaining(`${future.object} is dated ${future.at}, after now`)],
      }),
    ]);
    const newest = (await stack.snapshots.list(poolId)).find((m) => m.base === scan.snapshotId);
    expect((await snapshotState(newest as SnapshotManifest)).get('user:hal')).toMatchObject({
      enabled: false,
    });
  });
});

describe('the freshness of each pool', () => {
  it('of a pool with records but no snapshot yet is its last change only, and the missing snapshot is logged', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'no-snapshot' });
    const ivy = await stack.writer.createUser(poolId, 'ivy', {}, { suppressMessages: true });
    await captured(cognitoEvent('AdminCreateUser', { poolId, sub: subOf(ivy), eventTime: new Date() }));
    // The first full read fails: the pool keeps no snapshot, only what capture recorded.
    const reader = failOnce(
      stack.reader,
      'describeUserPool',
      (id) => id === poolId,
      () => new PoolNotFoundError(poolId),
    );
    const { run, metrics, logger } = snapshotRun([poolId], { reader });

    expect((await run()).pools).toEqual([expect.objectContaining({ poolId, outcome: 'failed' })]);

    expect(metrics.ofPool(poolId)).toEqual([
      {
        dimensions: { service: 'test', PoolId: poolId },
        values: { LastChangeAgeSeconds: about(0) },
        units: { LastChangeAgeSeconds: 'Seconds' },
      },
    ]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        poolId,
        message: 'no snapshot of the pool yet: SnapshotAgeSeconds not published',
      }),
    );
  });

  it('ages by the clock the handler is given: both ages grow as it moves, and a compaction renews the snapshot', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'ageing' });
    const jo = await stack.writer.createUser(poolId, 'jo', {}, { suppressMessages: true });
    await snapshotRun([poolId]).run();
    await nextSecond();

    // Two hours on, nothing changed: no new snapshot, and both the snapshot and the last record are
    // two hours older.
    const later = snapshotRun([poolId], { clock: ahead(2 * HOUR) });
    expect((await later.run()).pools).toEqual([expect.objectContaining({ outcome: 'unchanged' })]);
    expect(later.metrics.ofPool(poolId)).toEqual([freshFlush(poolId, { snapshot: 7200, change: 7200 })]);

    // A change recorded now, folded three hours on: a fresh snapshot, a record three hours old.
    await nextSecond();
    const eventTime = new Date();
    await stack.writer.setUserEnabled(poolId, 'jo', false);
    await captured(cognitoEvent('AdminDisableUser', { poolId, sub: subOf(jo), eventTime }));
    const evenLater = snapshotRun([poolId], { clock: ahead(3 * HOUR) });
    expect((await evenLater.run()).pools).toEqual([expect.objectContaining({ outcome: 'compacted' })]);
    expect(evenLater.metrics.ofPool(poolId)).toEqual([freshFlush(poolId, { snapshot: 0, change: 10800 })]);
  });

  it('one pool it cannot measure is logged and counted, and the run and the other pools go on', async () => {
    const poolWithUser = async (name: string) => {
      const { poolId } = await stack.writer.createUserPool({ PoolName: name });
      await stack.writer.createUser(poolId, 'kim', {}, { suppressMessages: true });
      return poolId;
    };
    const broken = await poolWithUser('unmeasured');
    const fine = await poolWithUser('measured');
    // A listing of the snapshots that fails for one pool (the snapshot run itself does not list so).
    const snapshots = new Proxy(stack.snapshots, {
      get(target, property, receiver) {
        if (property !== 'newestAtOrBefore') return Reflect.get(target, property, receiver);
        return (poolId: string, at: number) => {
          if (poolId === broken) throw new Error('the listing failed (simulated)');
          return target.newestAtOrBefore(poolId, at);
        };
      },
    });
    const { run, metrics, logger } = snapshotRun([broken, fine], { snapshots });

    expect((await run()).pools).toEqual([
      expect.objectContaining({ poolId: broken, outcome: 'firstRead' }),
      expect.objectContaining({ poolId: fine, outcome: 'firstRead' }),
    ]);

    expect(metrics.published).toEqual([
      { PoolsCompacted: 0, PoolsUnchanged: 0, PoolsFirstRead: 2, PoolsFailed: 0, FreshnessFailed: 1 },
    ]);
    expect(metrics.ofPool(broken)).toEqual([]);
    expect(metrics.ofPool(fine)).toEqual([freshFlush(fine)]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        poolId: broken,
        message: expect.stringMatching(/not measured/),
      }),
    );
  });
});

describe('the Lambda entry modules', () => {
  it('wire themselves from the environment once per container: snapshot, then archive', async () => {
    const { poolId } = await stack.writer.createUserPool({ PoolName: 'from-env' });
    await stack.writer.createUser(poolId, 'eve', {}, { suppressMessages: true });
    const saved = { ...process.env };
    Object.assign(process.env, stack.env, { REWIND_POOL_IDS: ` ${poolId} ` });
    try {
      const snapshot = await import('../lambda/snapshot.js');
      const archive = await import('../lambda/archive.js');
      expect((await snapshot.handler({})).pools).toEqual([
        expect.objectContaining({ poolId, outcome: 'firstRead' }),
      ]);
      expect((await snapshot.handler({})).pools).toEqual([
        expect.objectContaining({ poolId, outcome: 'unchanged' }),
      ]);
      const archived = await archive.handler({});
      expect(archived.pools).toEqual([
        expect.objectContaining({ poolId, outcome: 'archived', records: expect.any(Number) }),
      ]);
      expect(await stack.checkpoints.get(`archive/${poolId}`)).toMatchObject({ revision: 1 });
    } finally {
      process.env = saved;
    }
  });
});
