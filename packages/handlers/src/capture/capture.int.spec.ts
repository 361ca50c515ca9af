import { randomUUID } from 'node:crypto';
import {
  type ChangeLog,
  type ChangeRecord,
  type CognitoReader,
  CognitoThrottledError,
  stateAt,
  toArray,
  verifyChain,
} from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotHandler } from '../snapshot/createSnapshotHandler.js';
import { dyingChangeLog, failOnce } from '../testing/faults.testing.js';
import {
  cloudTrailTime,
  cognitoEvent,
  lambdaContext,
  messageOf,
  sqsEvent,
  sqsRecord,
} from '../testing/lambdaEvents.testing.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';
import { type CaptureHandlerDeps, createCaptureHandler } from './createCaptureHandler.js';

let stack: LoopbackStack;
let poolId: string;

beforeAll(async () => {
  stack = await startLoopbackStack();
  ({ poolId } = await stack.writer.createUserPool({ PoolName: 'capture' }));
  // Carol exists at the first full read, so the recorded state can name her once Cognito forgets her.
  await stack.writer.createUser(poolId, 'carol', {}, { suppressMessages: true });
  const firstRead = createSnapshotHandler({
    ...stack,
    pools: async () => [poolId],
    logger: new RecordingLogger(),
    metrics: new RecordingMetrics(),
  });
  expect((await firstRead()).pools).toMatchObject([{ poolId, outcome: 'firstRead' }]);
}, 60_000);

afterAll(() => stack?.stop());

/** A capture handler over the loopback stack with recording Powertools; parts can be swapped for faulty ones. */
function capture(overrides: Partial<CaptureHandlerDeps> = {}) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const handler = createCaptureHandler({ ...stack, logger, metrics, ...overrides });
  return {
    logger,
    metrics,
    run: (...messages: ReturnType<typeof messageOf>[]) => handler(sqsEvent(...messages), lambdaContext()),
  };
}

async function newUser(username: string, attributes: Record<string, string> = {}): Promise<string> {
  const user = await stack.writer.createUser(poolId, username, attributes, { suppressMessages: true });
  const sub = user.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  if (sub === undefined) throw new Error(`cognito-local gave ${username} no sub`);
  return sub;
}

const history = (entity: string, log: ChangeLog = stack.changeLog, pool = poolId) =>
  toArray(log.entityHistory(pool, entity));

const ofEvent = (records: ChangeRecord[], eventId: string) =>
  records.filter((record) => record.event?.eventId === eventId);

/** Cognito dates users in whole seconds: a pause keeps two changes at two instants. */
const nextSecond = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  // Clear of the next second's boundary: a call whose write crosses it is, by the rules, not its own.
  const into = Date.now() % 1000;
  if (into > 700) await new Promise((resolve) => setTimeout(resolve, 1_050 - into));
};

describe('a batch with a good, a malformed and a duplicated event', () => {
  it('records the good event once and fails only the malformed messages, each with its reason logged', async () => {
    const sub = await newUser('alice');
    const created = cognitoEvent('AdminCreateUser', { poolId, sub });
    const good = messageOf(created);
    const notJson = sqsRecord('{"detail-type": "AWS API Call via CloudTrail", "detail": {');
    const badTime = messageOf(
      cognitoEvent('AdminCreateUser', {
        poolId,
        sub,
        edit: (d) => {
          d.eventTime = 'yesterday';
        },
      }),
    );
    // The same event in a second message: EventBridge and SQS both deliver at least once.
    const duplicate = messageOf(created);
    const { run, logger, metrics } = capture();

    const response = await run(good, notJson, badTime, duplicate);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: notJson.messageId },
      { itemIdentifier: badTime.messageId },
    ]);
    const alice = await history('user:alice');
    expect(alice).toHaveLength(1);
    expect(ofEvent(alice, created.detail.eventID)).toHaveLength(1);
    expect(alice[0]).toMatchObject({ source: 'cloudtrail', event: { name: 'AdminCreateUser' } });

    const malformed = logger.lines.filter((line) => line.level === 'ERROR');
    expect(malformed).toEqual([
      expect.objectContaining({
        messageId: notJson.messageId,
        reason: `the body (${notJson.body.length} characters) is not JSON`,
      }),
      expect.objectContaining({
        messageId: badTime.messageId,
        reason: 'detail.eventTime: not an ISO-8601 time with a zone',
      }),
    ]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'event captured',
        eventID: created.detail.eventID,
        eventName: 'AdminCreateUser',
        poolId,
        appended: 1,
      }),
    );
    // What the event says about the caller and the user never reaches the log.
    const logged = logger.text();
    for (const secret of [sub, 'HIDDEN_DUE_TO_SECURITY_REASONS', '198.51.100.23', 'assumed-role/PoolAdmins'])
      expect(logged).not.toContain(secret);
    expect(metrics.published).toEqual([
      {
        EventsCaptured: 2,
        EventsIgnored: 0,
        EventsFailed: 2,
        RecordsAppended: 1,
        // The second copy finds the log already holding this event's record: a duplicate, not news.
        Duplicates: 1,
        Unchanged: 0,
        ForReconcile: 0,
      },
    ]);
  });

  it('a batch of nothing but malformed messages fails them all without throwing', async () => {
    const bad = [sqsRecord('not json'), sqsRecord('{"source": "aws.s3"}')];
    const { run } = capture();
    const response = await run(...bad);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(bad.map((m) => m.messageId));
  });

  it('an event redelivered after a later change writes nothing: the log refuses its second record', async () => {
    const sub = await newUser('dora', { name: 'Dora' });
    const { run, metrics } = capture();
    const first = cognitoEvent('AdminCreateUser', { poolId, sub });
    await run(messageOf(first));
    await nextSecond();
    // CloudTrail stamps the call when it arrives: before Cognito writes it.
    const updatedAt = new Date();
    await stack.writer.updateUserAttributes(poolId, 'dora', { name: 'Dora Marquez' });

    // The old event comes again before the new one: its re-read sees the new name, under an event
    // id the entity already holds.
    const again = await run(messageOf(first));
    expect(again.batchItemFailures).toEqual([]);
    expect(ofEvent(await history('user:dora'), first.detail.eventID)).toHaveLength(1);
    expect(metrics.published.at(-1)).toMatchObject({ RecordsAppended: 0, Duplicates: 1 });

    const update = cognitoEvent('AdminUpdateUserAttributes', { poolId, sub, eventTime: updatedAt });
    await run(messageOf(update));
    const dora = await history('user:dora');
    expect(dora.map((r) => r.event?.eventId)).toEqual([first.detail.eventID, update.detail.eventID]);
    expect(dora.at(-1)?.after).toMatchObject({ attributes: { name: 'Dora Marquez' } });
  });
});

describe('the event trail', () => {
  it('keeps every event once, failed calls included, with its caller and outcome', async () => {
    const sub = await newUser('tara');
    const created = cognitoEvent('AdminCreateUser', { poolId, sub });
    const refused = cognitoEvent('AdminDeleteUser', {
      poolId,
      sub,
      edit: (d) => {
        d.errorCode = 'NotAuthorizedException';
        d.errorMessage = 'not allowed';
      },
    });
    const { run } = capture();
    await run(messageOf(created), messageOf(refused), messageOf(created));
    const entry = await stack.trail.get(poolId, created.detail.eventID);
    const [record] = await history('user:tara');
    expect(entry).toMatchObject({
      eventName: 'AdminCreateUser',
      outcome: 'changed',
      changeIds: [record?.id],
      entities: ['user:tara'],
      subjectSub: sub,
      caller: { arn: (created.detail.userIdentity as { arn?: string }).arn },
      sourceIp: created.detail.sourceIPAddress,
    });
    // Who tried and failed is kept too: it changed nothing.
    expect(await stack.trail.get(poolId, refused.detail.eventID)).toMatchObject({
      eventName: 'AdminDeleteUser',
      outcome: 'failed',
      errorCode: 'NotAuthorizedException',
      changeIds: [],
    });
    const page = await stack.trail.query(poolId, { eventName: 'AdminCreateUser' });
    expect(page.entries.filter((e) => e.eventId === created.detail.eventID)).toHaveLength(1);
  });
});

describe('ordering and deletes', () => {
  it('events delivered newest first: the older lands in the past and never moves the user back', async () => {
    const sub = await newUser('bob', { name: 'Bob' });
    const { run } = capture();
    await run(messageOf(cognitoEvent('AdminCreateUser', { poolId, sub })));
    await nextSecond();
    const olderAt = new Date();
    await stack.writer.updateUserAttributes(poolId, 'bob', { name: 'first' });
    const older = cognitoEvent('AdminUpdateUserAttributes', { poolId, sub, eventTime: olderAt });
    await nextSecond();
    const newerAt = new Date();
    await stack.writer.updateUserAttributes(poolId, 'bob', { name: 'second' });
    const newer = cognitoEvent('AdminUpdateUserAttributes', { poolId, sub, eventTime: newerAt });

    await run(messageOf(newer));
    const afterNewer = await history('user:bob');
    await run(messageOf(older));
    const afterOlder = await history('user:bob');

    // The older call's value was overwritten before any read: at its time, a value not observed.
    expect(afterOlder.slice(0, afterNewer.length)).toEqual(afterNewer);
    const late = afterOlder.at(-1);
    expect(late).toMatchObject({ event: { eventId: older.detail.eventID }, patch: [] });
    expect(late?.change).toEqual({ unknown: ['/attributes', '/modifiedAt'] });
    expect((late?.validFrom ?? '') < (afterNewer.at(-1)?.validFrom ?? '')).toBe(true);
    expect(late?.after).toMatchObject({ attributes: { name: 'second' } });
    const versions = afterOlder.map((r) => r.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    const state = await stateAt(stack, poolId, new Date().toISOString());
    const replayed = new Map<string, unknown>();
    for await (const entry of state.entities) replayed.set(entry.key, entry.doc);
    expect(replayed.get('user:bob')).toMatchObject({ attributes: { name: 'second' } });
  });

  it('a user deleted before the re-read is recorded as a delete, stamped at the event time', async () => {
    const carolSub = (await stack.reader.getUser(poolId, 'carol'))?.Attributes?.find((a) => a.Name === 'sub')
      ?.Value as string;
    await stack.writer.deleteUser(poolId, 'carol');
    const eventTime = new Date();
    const deleted = cognitoEvent('AdminDeleteUser', { poolId, sub: carolSub, eventTime });
    await nextSecond();
    const { run, metrics } = capture();

    expect((await run(messageOf(deleted))).batchItemFailures).toEqual([]);

    const carol = await history('user:carol');
    expect(carol.map((r) => r.source)).toEqual(['reconcile', 'cloudtrail']);
    // CloudTrail dates in whole seconds; core takes the end of that second (never earlier than the truth).
    const endOfSecond = new Date(Date.parse(cloudTrailTime(eventTime)) + 999).toISOString();
    expect(carol.at(-1)).toMatchObject({
      after: null,
      validFrom: endOfSecond,
      event: { name: 'AdminDeleteUser', eventId: deleted.detail.eventID },
    });
    expect(metrics.published.at(-1)).toMatchObject({ RecordsAppended: 1, ForReconcile: 0 });
  });
});

describe('faults', () => {
  /**
   * A new pool with its user dave, both made in one second: the second the events below are of, as
   * the calls that set up a pool come. Cognito dates both in whole seconds, and a pool created in an
   * earlier second than an event is not that event's creation (its first record would be no event's),
   * so the two calls are made at the start of a second, and again in the rare case they straddle one.
   */
  async function poolWithDave(name: string): Promise<{ poolId: string; sub: string; second: number }> {
    const secondOf = (date: unknown) => Math.floor(new Date(date as Date).getTime() / 1000) * 1000;
    for (let attempt = 1; attempt <= 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1000)));
      const { poolId } = await stack.writer.createUserPool({ PoolName: name });
      const user = await stack.writer.createUser(poolId, 'dave', {}, { suppressMessages: true });
      const sub = user.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
      const second = secondOf((await stack.reader.describeUserPool(poolId)).CreationDate);
      if (second === secondOf(user.UserCreateDate)) return { poolId, sub, second };
    }
    throw new Error(`pool ${name} and its user dave never came in one second in 5 tries`);
  }

  /**
   * SetUserPoolMfaConfig and dave's creation, captured by an invocation that dies after `appends`
   * appends (its clock at `firstRead` ms after the calls' second began), then by the redelivery SQS
   * makes after the visibility timeout.
   */
  async function dieAndRetry(appends: number, firstRead: number) {
    const { poolId: fresh, sub, second } = await poolWithDave(`dies-after-${appends}-${firstRead}`);
    const clockAt = (ms: number) => ({ now: () => new Date(second + ms) });
    // SetUserPoolMfaConfig touches the MFA settings and the pool: several appends for one event.
    const mfaSet = cognitoEvent('SetUserPoolMfaConfig', { poolId: fresh, eventTime: new Date(second) });
    const daveCreated = cognitoEvent('AdminCreateUser', { poolId: fresh, sub, eventTime: new Date(second) });
    const batch = [messageOf(mfaSet), messageOf(daveCreated)];

    const dying = dyingChangeLog(stack.changeLog, appends);
    const first = await capture({ changeLog: dying, clock: clockAt(firstRead) }).run(...batch);

    // SQS hands the failed messages' batch to the next invocation.
    const retried = capture({ clock: clockAt(30_000) });
    expect((await retried.run(...batch)).batchItemFailures).toEqual([]);
    const events = { mfa: mfaSet, pool: mfaSet, 'user:dave': daveCreated };
    for (const [entity, event] of Object.entries(events)) {
      const records = await history(entity, stack.changeLog, fresh);
      expect({ entity, ofEvent: ofEvent(records, event.detail.eventID).length }).toEqual({
        entity,
        ofEvent: 1,
      });
      // No step written twice, and the hash chain unbroken across the two invocations.
      expect(new Set(records.map((r) => JSON.stringify(r.after))).size).toBe(records.length);
      expect(verifyChain(records)).toEqual([]);
    }
    // Nothing the calls changed is left unknown: the pool's MFA mode, which Cognito does not date, as read.
    const pool = await history('pool', stack.changeLog, fresh);
    expect(pool.at(-1)?.after).toMatchObject({ MfaConfiguration: 'OFF' });
    expect(retried.metrics.published.at(-1)).toMatchObject({ EventsCaptured: 2, EventsFailed: 0 });
    return { first, appended: dying.appended.map((r) => r.entity), pool };
  }

  // Read in the calls' second, each entity takes one record. After the MFA record (the pool's then
  // dies: both messages come back); after the pool's (the first event is whole, dave's creation dies:
  // only its message comes back).
  it.each([1, 2])(
    'a capture that dies after %i appends and is retried leaves one record per change',
    async (appends) => {
      const { first, appended } = await dieAndRetry(appends, 999);
      expect(appended).toEqual(['mfa', 'pool'].slice(0, appends));
      expect(first.batchItemFailures).toHaveLength(appends === 1 ? 2 : 1);
    },
  );

  it("a capture that dies between an entity's records is finished by the retry, not repeated", async () => {
    // Read seconds after the calls, the new pool's MFA mode (undated) is unknown from the call and
    // known from the read: two records. The invocation dies after the first of them.
    const { first, appended, pool } = await dieAndRetry(2, 5_000);
    expect(appended).toEqual(['mfa', 'pool']);
    expect(first.batchItemFailures).toHaveLength(2);
    expect(pool.map((r) => r.change)).toEqual([
      expect.objectContaining({ unknown: ['/MfaConfiguration'] }),
      { set: { '/MfaConfiguration': 'OFF' } },
    ]);
  });

  it('a throttled re-read fails only its own record, and the redelivery captures it', async () => {
    const erinSub = await newUser('erin');
    const frankSub = await newUser('frank');
    const erin = messageOf(cognitoEvent('AdminCreateUser', { poolId, sub: erinSub }));
    const frank = messageOf(cognitoEvent('AdminCreateUser', { poolId, sub: frankSub }));
    // What the AWS reader throws once its own retries with backoff are spent.
    const throttled: CognitoReader = failOnce(
      stack.reader,
      'findUsernameBySub',
      (_pool, sub) => sub === erinSub,
      () => new CognitoThrottledError('ListUsers', 10),
    );
    const { run, logger } = capture({ reader: throttled });

    expect((await run(erin, frank)).batchItemFailures).toEqual([{ itemIdentifier: erin.messageId }]);
    expect(await history('user:erin')).toEqual([]);
    expect(await history('user:frank')).toHaveLength(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        messageId: erin.messageId,
        reason: expect.stringContaining('Cognito throttled ListUsers on all 10 attempts'),
      }),
    );

    expect((await run(erin)).batchItemFailures).toEqual([]);
    expect(await history('user:erin')).toHaveLength(1);
  });

  it('hands what it cannot re-read to onForReconcile, and counts ignored events', async () => {
    const requests: { poolId: string | undefined; reasons: string[] }[] = [];
    const stranger = randomUUID();
    const { run, metrics } = capture({
      onForReconcile: async (pool, reasons) => void requests.push({ poolId: pool, reasons }),
    });
    const unknownUser = messageOf(cognitoEvent('AdminUpdateUserAttributes', { poolId, sub: stranger }));
    const failedCall = messageOf(cognitoEvent('ignored/failed-AdminCreateUser', { poolId }));

    expect((await run(unknownUser, failedCall)).batchItemFailures).toEqual([]);
    expect(requests).toEqual([{ poolId, reasons: [expect.stringContaining(stranger)] }]);
    expect(metrics.published.at(-1)).toMatchObject({ EventsCaptured: 1, EventsIgnored: 1, ForReconcile: 1 });
  });

  it('a failing onForReconcile fails the record, so the request is made again on redelivery', async () => {
    let calls = 0;
    const { run } = capture({
      onForReconcile: async () => {
        calls += 1;
        if (calls === 1) throw new Error('reconcile queue unavailable');
      },
    });
    const message = messageOf(cognitoEvent('AdminUpdateUserAttributes', { poolId, sub: randomUUID() }));
    expect((await run(message)).batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
    expect((await run(message)).batchItemFailures).toEqual([]);
    expect(calls).toBe(2);
  });
});
