import { type ChangeLog, makeRecord, takeBackup, VersionConflictError } from '@cognito-rewind/core';
import { createDynamoClients, DynamoChangeLog } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveHandler } from '../archive/createArchiveHandler.js';
import { createCaptureHandler } from '../capture/createCaptureHandler.js';
import { createReconcileHandler } from '../reconcile/createReconcileHandler.js';
import { createSnapshotHandler } from '../snapshot/createSnapshotHandler.js';
import { damagedBlobs } from '../testing/faults.testing.js';
import { cognitoEvent, lambdaContext, messageOf, sqsEvent } from '../testing/lambdaEvents.testing.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';

// Distinctive enough that finding either anywhere in a log line can only mean it leaked.
const USERNAME = 'zelda.quist-7f3a';
const EMAIL = 'zq.private-7f3a@example.org';
const USER = `user:${USERNAME}`;

let stack: LoopbackStack;

beforeAll(async () => {
  stack = await startLoopbackStack();
}, 60_000);

afterAll(() => stack?.stop());

/** What of the user's name and email the log holds: nothing, or the test fails. */
const leaked = (logger: RecordingLogger) =>
  [USERNAME, EMAIL].filter((secret) => logger.text().includes(secret));

/**
 * The change log as a concurrent writer that keeps winning the user's next version would make it:
 * every append of the user's records fails with the error the adapters throw, which names the entity.
 */
function losingRaces(log: ChangeLog, entity: string): ChangeLog {
  return new Proxy(log, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'append') return typeof value === 'function' ? value.bind(target) : value;
      return async (record: Parameters<ChangeLog['append']>[0]) => {
        if (record.entity === entity) throw new VersionConflictError(record.entity, record.version);
        return log.append(record);
      };
    },
  });
}

async function poolWithUser(name: string): Promise<string> {
  const { poolId } = await stack.writer.createUserPool({ PoolName: name });
  await stack.writer.createUser(
    poolId,
    USERNAME,
    { email: EMAIL, name: 'Zelda' },
    { suppressMessages: true },
  );
  return poolId;
}

const common = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics() });

describe('no handler logs a username or an email', () => {
  it('snapshot: neither a first read, a failed one nor a compaction names the user', async () => {
    const poolId = await poolWithUser('personal-snapshot');
    const { logger, metrics } = common();
    const failing = createSnapshotHandler({
      ...stack,
      changeLog: losingRaces(stack.changeLog, USER),
      pools: async () => [poolId],
      logger,
      metrics,
    });
    expect((await failing()).pools).toEqual([
      expect.objectContaining({ poolId, outcome: 'failed', error: 'VersionConflictError' }),
    ]);
    const handler = createSnapshotHandler({ ...stack, pools: async () => [poolId], logger, metrics });
    expect((await handler()).pools).toEqual([expect.objectContaining({ outcome: 'firstRead' })]);
    // Nothing changed since the first read: the second run writes no snapshot (and logs none of it).
    expect((await handler()).pools).toEqual([expect.objectContaining({ outcome: 'unchanged' })]);

    expect(logger.lines.map((line) => line.level)).toContain('ERROR');
    expect(logger.text()).toContain(poolId);
    expect(leaked(logger)).toEqual([]);
  });

  it('reconcile: neither a run, a failed run nor a refused request names the user', async () => {
    const poolId = await poolWithUser('personal-reconcile');
    await takeBackup(stack, poolId, undefined, { userMfa: false });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Drift nobody captured: the reconcile appends a record of the user, and that append fails.
    await stack.writer.updateUserAttributes(poolId, USERNAME, { name: 'Zelda Q' });
    const { logger, metrics } = common();
    const deps = { ...stack, pools: async () => [poolId], logger, metrics, graceMs: 0 };
    const plenty = { getRemainingTimeInMillis: () => 900_000 };

    const failing = createReconcileHandler({ ...deps, changeLog: losingRaces(stack.changeLog, USER) });
    // Someone asks for a reconcile by the user's email instead of a pool id.
    const failed = await failing({ reconcile: [EMAIL, USERNAME] }, plenty);
    expect(failed.pools).toEqual([
      expect.objectContaining({ poolId, outcome: 'failed', error: 'VersionConflictError' }),
    ]);
    expect(failed.refused).toHaveLength(2);
    const done = await createReconcileHandler(deps)(undefined, plenty);
    expect(done.pools).toEqual([expect.objectContaining({ outcome: 'finished', counts: expect.anything() })]);

    expect(logger.text()).toContain(poolId);
    expect(leaked(logger)).toEqual([]);
  });

  it('archive: a damaged record of the user fails the pool without naming the user', async () => {
    const poolId = 'us-east-1_Personal1';
    const at = new Date().toISOString();
    // Too large for an item: the record's body goes to the bucket, and the item names its key.
    const record = makeRecord({
      poolId,
      entity: USER,
      head: { version: 0, hash: null, doc: null },
      after: { username: USERNAME, attributes: { email: EMAIL, 'custom:notes': 'x'.repeat(400_000) } },
      validFrom: at,
      observedAt: at,
      source: 'reconcile',
    });
    expect(await stack.changeLog.append(record)).toBe('appended');
    const { doc } = createDynamoClients({ endpoint: stack.env.REWIND_DYNAMODB_ENDPOINT });
    const damaged = new DynamoChangeLog(doc, {
      tableName: stack.env.REWIND_TABLE,
      blobs: damagedBlobs(stack.blobs, (key) => key.includes('/changes/large/')),
      positionLagMs: 0,
    });
    const { logger, metrics } = common();

    const result = await createArchiveHandler({
      ...stack,
      changeLog: damaged,
      pools: async () => [poolId],
      logger,
      metrics,
    })();

    expect(result.pools).toEqual([expect.objectContaining({ poolId, outcome: 'failed' })]);
    expect(logger.lines.map((line) => line.level)).toContain('ERROR');
    expect(leaked(logger)).toEqual([]);
  });

  it('capture: neither a captured event nor a failed capture names the user', async () => {
    const poolId = await poolWithUser('personal-capture');
    const sub = (await stack.reader.getUser(poolId, USERNAME))?.Attributes?.find(
      (a) => a.Name === 'sub',
    )?.Value;
    const event = messageOf(cognitoEvent('AdminCreateUser', { poolId, sub }));
    const { logger, metrics } = common();
    const failing = createCaptureHandler({
      ...stack,
      changeLog: losingRaces(stack.changeLog, USER),
      logger,
      metrics,
    });
    expect((await failing(sqsEvent(event), lambdaContext())).batchItemFailures).toHaveLength(1);
    const capture = createCaptureHandler({ ...stack, logger, metrics });
    expect((await capture(sqsEvent(event), lambdaContext())).batchItemFailures).toEqual([]);

    expect(logger.lines.map((line) => line.level)).toContain('ERROR');
    expect(leaked(logger)).toEqual([]);
  });
});
