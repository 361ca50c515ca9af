import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventBridgeServer, startEventBridgeServer } from '../testing/eventBridgeServer.testing.js';
import { cognitoEvent, lambdaContext, messageOf, sqsEvent } from '../testing/lambdaEvents.testing.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';
import { burstAlarmFromEnv, eventBridgeAnnouncer } from './burstAlarm.js';
import { createCaptureHandler } from './createCaptureHandler.js';

const MALLORY = 'arn:aws:sts::111122223333:assumed-role/ops/mallory';
const ALICE = 'arn:aws:iam::111122223333:user/alice';

let stack: LoopbackStack;
let events: EventBridgeServer;
let poolId: string;
const subs: string[] = [];

beforeAll(async () => {
  [stack, events] = await Promise.all([startLoopbackStack(), startEventBridgeServer()]);
  ({ poolId } = await stack.writer.createUserPool({ PoolName: 'bursts' }));
  for (const name of ['u1', 'u2', 'u3', 'u4']) {
    const user = await stack.writer.createUser(poolId, name, {}, { suppressMessages: true });
    subs.push(user.Attributes?.find((a) => a.Name === 'sub')?.Value as string);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), events?.stop()]);
});

/** The capture function as Lambda wires its alarm: settings and the real EventBridge client from the environment. */
function capture(logger = new RecordingLogger()) {
  const alarm = burstAlarmFromEnv({
    AWS_REGION: 'us-east-1',
    REWIND_EVENTBRIDGE_ENDPOINT: events.endpoint,
    REWIND_BURST_COUNT: '5',
    REWIND_BURST_MINUTES: '1',
  });
  const handler = createCaptureHandler({
    ...stack,
    logger,
    metrics: new RecordingMetrics(),
    bursts: {
      checkpoints: stack.checkpoints,
      threshold: alarm.threshold,
      announce: eventBridgeAnnouncer(alarm.client, alarm.threshold),
    },
  });
  return (...names: [string, number][]) =>
    handler(
      sqsEvent(
        ...names.map(([caller, i]) =>
          messageOf(
            cognitoEvent('AdminDisableUser', {
              poolId,
              sub: subs[i % subs.length] as string,
              eventTime: new Date(Date.now() - 30_000 + i * 1000),
              edit: (detail) => {
                detail.userIdentity = {
                  ...(detail.userIdentity as object),
                  type: 'AssumedRole',
                  arn: caller,
                };
              },
            }),
          ),
        ),
      ),
      lambdaContext(),
    );
}

describe('the burst alarm', () => {
  it('puts one event for a burst over several batches and two concurrent invocations, none below the threshold', async () => {
    const logger = new RecordingLogger();
    const run = capture(logger);
    // Alice: four disables, one short of the threshold.
    await run([ALICE, 0], [ALICE, 1], [ALICE, 2], [ALICE, 3]);
    await run([MALLORY, 0], [MALLORY, 1]);
    expect(events.events()).toEqual([]);
    // Two invocations at once take mallory over the threshold; a later batch continues the same burst.
    const answers = await Promise.all([run([MALLORY, 2], [MALLORY, 3]), run([MALLORY, 4], [MALLORY, 5])]);
    await run([MALLORY, 6]);
    for (const answer of answers) expect(answer.batchItemFailures).toEqual([]);

    const sent = events.events();
    expect(sent).toHaveLength(1);
    expect(events.requests.every((request) => request.target === 'AWSEvents.PutEvents')).toBe(true);
    expect(sent[0]).toMatchObject({ Source: 'cognito-rewind', DetailType: 'Cognito Rewind burst' });
    const detail = sent[0]?.detail as Record<string, unknown>;
    expect(detail).toMatchObject({
      poolId,
      caller: MALLORY,
      threshold: { count: 5, minutes: 1 },
      counts: { AdminDisableUser: expect.any(Number) },
    });
    expect(detail.total).toBeGreaterThanOrEqual(5);
    const window = detail.window as { start: string };
    expect(detail.restore).toMatchObject({
      command: `restore-cli restore --pool ${poolId} --at ${new Date(Date.parse(window.start) - 1000).toISOString()}`,
    });
    // The log line says a burst was announced, without the caller (capture logs no identity).
    expect(logger.text()).toContain('burst of destructive calls: alarm sent');
    expect(logger.text()).not.toContain('mallory');
    // The alarm names no user: those are in `audit summary`.
    expect(JSON.stringify(detail)).not.toMatch(/u[1-4]|user:/);
  }, 60_000);

  it('logs a refused alarm without failing the batch, and sends it with the next call of the caller', async () => {
    const logger = new RecordingLogger();
    const run = capture(logger);
    const thief = 'arn:aws:iam::111122223333:user/thief';
    events.refuse(true);
    const before = events.events().length;
    const answer = await run([thief, 0], [thief, 1], [thief, 2], [thief, 3], [thief, 4]);
    expect(answer.batchItemFailures).toEqual([]);
    expect(logger.text()).toContain('burst alarm failed');
    events.refuse(false);
    await run([thief, 5]);
    const sent = events.events().slice(before);
    // One refused attempt, then the one that went through.
    expect(sent.filter((e) => e.detail.caller === thief)).toHaveLength(2);
  }, 60_000);
});
