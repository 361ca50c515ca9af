import { takeBackup, toArray } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureWiring } from '../capture/captureWiring.js';
import { createCaptureHandler } from '../capture/createCaptureHandler.js';
import { cognitoEvent, lambdaContext, messageOf, sqsEvent } from '../testing/lambdaEvents.testing.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';
import { createReconcileHandler, type ReconcileHandlerDeps } from './createReconcileHandler.js';

let stack: LoopbackStack;

beforeAll(async () => {
  stack = await startLoopbackStack();
}, 60_000);

afterAll(() => stack?.stop());

function reconcileRun(pools: string[], overrides: Partial<ReconcileHandlerDeps> = {}) {
  const metrics = new RecordingMetrics();
  const handler = createReconcileHandler({
    ...stack,
    pools: async () => pools,
    logger: new RecordingLogger(),
    metrics,
    // The drift these specs make is seconds old, with no event on its way: record it at once.
    graceMs: 0,
    ...overrides,
  });
  return { handler, metrics };
}

/** A Lambda context with plenty of time for the first `checks` questions, then none. */
const timeFor = (checks: number) => ({
  getRemainingTimeInMillis: () => (checks-- > 0 ? 900_000 : 1_000),
});

const plenty = { getRemainingTimeInMillis: () => 900_000 };

async function poolWithDrift() {
  const { poolId } = await stack.writer.createUserPool({ PoolName: `reconcile-${Date.now()}` });
  await stack.writer.createUser(poolId, 'ann', { name: 'Ann' }, { suppressMessages: true });
  // The first full read (the snapshot handler's, for a new pool): every entity's baseline.
  await takeBackup(stack, poolId, undefined, { userMfa: false });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  // Changes nobody captured: the events were lost.
  await stack.writer.createUser(poolId, 'bo', {}, { suppressMessages: true });
  await stack.writer.updateUserAttributes(poolId, 'ann', { name: 'Ann Drifted' });
  await stack.writer.createGroup(poolId, { GroupName: 'ops' });
  return poolId;
}

describe('the reconcile handler', () => {
  it('leaves a change younger than the grace period to capture (15 minutes by default)', async () => {
    const poolId = await poolWithDrift();
    const { handler } = reconcileRun([poolId], { graceMs: undefined });
    const result = await handler(undefined, plenty);
    // The drift was made seconds ago: its events may be on their way, so none of it is drift yet.
    expect(result.pools[0]).toMatchObject({ poolId, outcome: 'finished', counts: { drift: 0 } });
  });

  it('reconciles a due pool to the end, records the drift once, and is not due again until asked', async () => {
    const poolId = await poolWithDrift();
    const { handler, metrics } = reconcileRun([poolId]);
    const first = await handler({ source: 'aws.events' }, plenty);
    expect(first.pools).toEqual([
      expect.objectContaining({
        poolId,
        outcome: 'finished',
        counts: { drift: 1, baselines: 2, deletes: 0, stale: 0 },
      }),
    ]);
    expect(metrics.published.at(-1)).toMatchObject({ PoolsReconciled: 1, DriftRecords: 1, PoolsFailed: 0 });
    // The same count under the pool's id, for an alarm that names the pool.
    const drift = (count: number) => ({
      dimensions: { service: 'test', PoolId: poolId },
      values: { DriftRecords: count },
      units: { DriftRecords: 'Count' },
    });
    expect(metrics.ofPool(poolId)).toEqual([drift(1)]);
    const ann = await toArray(stack.changeLog.entityHistory(poolId, 'user:ann'));
    expect(ann.at(-1)).toMatchObject({ source: 'reconcile', after: { attributes: { name: 'Ann Drifted' } } });

    expect((await handler({ source: 'aws.events' }, plenty)).pools).toEqual([{ poolId, outcome: 'notDue' }]);
    // Asked for by name (an on-demand invocation): it runs, and finds nothing new.
    const asked = await handler({ reconcile: [poolId], reason: 'after an import' }, plenty);
    expect(asked.pools).toEqual([
      expect.objectContaining({
        outcome: 'finished',
        counts: { drift: 0, baselines: 0, deletes: 0, stale: 0 },
      }),
    ]);
    // Not due: nothing read, no per-pool value; the run asked for read the pool and found none.
    expect(metrics.ofPool(poolId)).toEqual([drift(1), drift(0)]);
  });

  it('pauses a run near the timeout and continues it in the next invocation', async () => {
    const poolId = await poolWithDrift();
    const { handler } = reconcileRun([poolId]);
    // Time for the due check and the settings, not for a page of users.
    const paused = await handler(undefined, timeFor(1));
    expect(paused.pools).toEqual([expect.objectContaining({ poolId, outcome: 'paused', pages: 0 })]);
    const resumed = await handler(undefined, plenty);
    expect(resumed.pools).toEqual([
      expect.objectContaining({ poolId, outcome: 'finished', resumed: true, pages: 1 }),
    ]);
    const runIds = [paused.pools[0], resumed.pools[0]].map((pool) =>
      pool && 'runId' in pool ? pool.runId : '',
    );
    expect(runIds[0]).toBe(runIds[1]);
  });

  it('acts at its next check on what capture could not re-read alone, and capture finds the pool of a public call', async () => {
    const poolId = await poolWithDrift();
    const { handler } = reconcileRun([poolId]);
    expect((await handler(undefined, plenty)).pools[0]).toMatchObject({ outcome: 'finished' });
    expect((await handler(undefined, plenty)).pools).toEqual([{ poolId, outcome: 'notDue' }]);

    const pools = async () => [poolId];
    const capture = createCaptureHandler({
      ...stack,
      ...captureWiring({ ...stack, pools }),
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
    });
    // A public call will name only its app client: one the log knows (an asked-for run records it).
    const { clientId } = await stack.writer.createClient(poolId, { ClientName: 'web' });
    await handler({ reconcile: [poolId] }, plenty);
    expect((await handler(undefined, plenty)).pools).toEqual([{ poolId, outcome: 'notDue' }]);
    // A deletion of a user nobody recorded (its creation's event never came): capture cannot name
    // it by its sub — a reconcile reads the pool.
    const deleted = cognitoEvent('AdminDeleteUser', { poolId, sub: '0b7e3c1a-1111-4222-8333-944455556666' });
    await stack.writer.updateUserAttributes(poolId, 'bo', { name: 'Bo' });
    const bo = await stack.reader.getUser(poolId, 'bo');
    const signUp = cognitoEvent('ConfirmSignUp', {
      poolId,
      sub: bo?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '',
      edit: (d) => {
        d.requestParameters = { clientId, username: 'HIDDEN_DUE_TO_SECURITY_REASONS' };
      },
    });
    const response = await capture(sqsEvent(messageOf(deleted), messageOf(signUp)), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    const boHistory = await toArray(stack.changeLog.entityHistory(poolId, 'user:bo'));
    expect(boHistory.at(-1)).toMatchObject({ source: 'cloudtrail', event: { name: 'ConfirmSignUp' } });

    // What capture could not name waits for the reconcile it asked for, which the reconcile handler
    // finds at its next check.
    const next = await handler(undefined, plenty);
    expect(next.pools[0]).toMatchObject({ poolId, outcome: 'finished' });
    // The ConfirmSignUp above is made up (bo was never unconfirmed): the status it set, and the name
    // change no event of its own reported, are drift the run corrects. Nothing else differs.
    expect(next.pools[0]).toMatchObject({ counts: { baselines: 0, deletes: 0, stale: 0 } });
    expect(await stack.changeLog.head(poolId, 'user:bo')).toMatchObject({
      after: { attributes: { name: 'Bo' }, status: bo?.UserStatus },
    });
  });

  it('refuses to store requests for ids that are not watched pool ids', async () => {
    const poolId = await poolWithDrift();
    const { handler } = reconcileRun([poolId]);
    const result = await handler({ reconcile: ['us-east-1_NotWatched1', 'bad id', 7] }, plenty);
    expect(result.refused).toEqual(['"us-east-1_NotWatched1"', '"bad id"', '7']);
    expect(await stack.checkpoints.get('reconcile/us-east-1_NotWatched1')).toBeUndefined();
    expect(result.pools).toEqual([expect.objectContaining({ poolId, outcome: 'finished' })]);
  });

  it('says which due pools an invocation had no time for', async () => {
    const [first, second] = [await poolWithDrift(), await poolWithDrift()];
    const { handler, metrics } = reconcileRun([first, second]);
    // Time for the first pool's run (its check, one page, the vanished phase), none for the second.
    const result = await handler(undefined, timeFor(3));
    expect(result.pools).toEqual([
      expect.objectContaining({ poolId: first, outcome: 'finished' }),
      { poolId: second, outcome: 'deferred' },
    ]);
    expect(metrics.published.at(-1)).toMatchObject({ PoolsReconciled: 1, PoolsDeferred: 1 });
    const next = await handler(undefined, plenty);
    expect(next.pools.map((pool) => pool.outcome)).toEqual(['notDue', 'finished']);
  });

  it('lets the other due pools go before a run that is under way', async () => {
    const [big, small] = [await poolWithDrift(), await poolWithDrift()];
    // The big pool's run pauses before its users: under way.
    const { handler: onlyBig } = reconcileRun([big]);
    expect((await onlyBig(undefined, timeFor(1))).pools[0]).toMatchObject({ outcome: 'paused' });
    // Next invocation, time for one run: the small pool goes first, the big one waits its turn.
    const { handler } = reconcileRun([big, small]);
    const result = await handler(undefined, timeFor(3));
    expect(result.pools).toEqual([
      expect.objectContaining({ poolId: small, outcome: 'finished' }),
      { poolId: big, outcome: 'deferred' },
    ]);
  });

  it('lets one broken pool fail alone', async () => {
    const poolId = await poolWithDrift();
    const { handler } = reconcileRun(['us-east-1_NoSuchPool1', poolId]);
    const result = await handler(undefined, plenty);
    expect(result.pools).toEqual([
      expect.objectContaining({
        poolId: 'us-east-1_NoSuchPool1',
        outcome: 'failed',
        error: 'PoolNotFoundError',
      }),
      expect.objectContaining({ poolId, outcome: 'finished' }),
    ]);
  });
});
