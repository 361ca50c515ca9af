import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type DeadLetter, LocalQueue } from '../src/local/stack/localQueue.js';
import type { BatchOutcome } from '../src/local/stack/localQueueOptions.js';

/** The local queue behaves as SQS with a redrive policy does towards a Lambda with partial batch responses. */

function queue(
  handler: ConstructorParameters<typeof LocalQueue>[0]['handler'],
  failureOf?: (id: string) => string,
) {
  const dead: DeadLetter[] = [];
  const q = new LocalQueue({
    handler,
    deadLetters: async (letter) => void dead.push(letter),
    backoffMs: 1,
    maxBackoffMs: 4,
    ...(failureOf === undefined ? {} : { failureOf }),
  });
  return { q, dead };
}

describe('LocalQueue', () => {
  it('hands the handler SQS-shaped batches of at most ten, each message once when it succeeds', async () => {
    const batches: SQSEvent[] = [];
    const { q, dead } = queue(async (event) => {
      batches.push(event);
      return { batchItemFailures: [] };
    });
    for (let n = 0; n < 12; n++) q.send({ detail: { n } });
    await q.drained();
    const records = batches.flatMap((b) => b.Records);
    expect(batches.every((b) => b.Records.length <= 10)).toBe(true);
    expect(records.map((r) => JSON.parse(r.body).detail.n).sort((a, b) => a - b)).toEqual([
      ...Array(12).keys(),
    ]);
    expect(new Set(records.map((r) => r.messageId)).size).toBe(12);
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(records[0]?.eventSourceARN).toMatch(/^arn:aws:sqs:us-east-1:\d{12}:rewind-capture$/);
    expect(dead).toEqual([]);
    expect(q.depth).toBe(0);
  });

  it('redelivers only the failed items with a growing receive count, then sends them to the dead letters', async () => {
    const receives = new Map<string, string[]>();
    const { q, dead } = queue(
      async (event) => {
        for (const r of event.Records)
          receives.set(r.body, [...(receives.get(r.body) ?? []), r.attributes.ApproximateReceiveCount]);
        const bad = event.Records.filter((r) => JSON.parse(r.body).bad === true);
        return { batchItemFailures: bad.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      () => 'Cognito throttled the re-read',
    );
    q.send({ bad: false });
    q.send({ bad: true });
    await q.drained();
    expect(receives.get('{"bad":false}')).toEqual(['1']);
    expect(receives.get('{"bad":true}')).toEqual(['1', '2', '3', '4', '5']);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ body: '{"bad":true}', receiveCount: 5 });
    expect(dead[0]?.reason).toContain('last: Cognito throttled the re-read');
  });

  it('a handler that throws fails the whole batch, as a Lambda error does', async () => {
    let calls = 0;
    const { q, dead } = queue(async () => {
      calls += 1;
      throw new Error('store unreachable');
    });
    q.send({ a: 1 });
    await q.drained();
    expect(calls).toBe(5);
    expect(dead[0]?.reason).toBe('the capture handler failed: store unreachable');
  });

  it('a hold keeps messages queued until it is released (the demo holds capture during a restore)', async () => {
    const seen: string[] = [];
    const { q } = queue(async (event) => {
      for (const r of event.Records) seen.push(r.body);
      return { batchItemFailures: [] };
    });
    const release = q.hold();
    q.send({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    expect(q.depth).toBe(1);
    release();
    await q.drained();
    expect(seen).toEqual(['{"n":1}']);
  });

  it('removes a message only once its dead letter is written; a failed write loses nothing', async () => {
    const dead: DeadLetter[] = [];
    const batches: BatchOutcome[] = [];
    let writes = 0;
    const q = new LocalQueue({
      handler: async (event) => ({
        batchItemFailures: event.Records.filter((r) => JSON.parse(r.body).bad === true).map((r) => ({
          itemIdentifier: r.messageId,
        })),
      }),
      deadLetters: async (letter) => {
        writes += 1;
        if (writes === 1) throw new Error('ENOSPC: no space left on device');
        dead.push(letter);
      },
      onBatch: (outcome) => batches.push(outcome),
      maxReceives: 2,
      // Redelivered at once, so the failed messages stay together in one batch.
      backoffMs: 0,
    });
    const release = q.hold();
    q.send({ bad: true, n: 1 });
    q.send({ bad: true, n: 2 });
    q.send({ bad: false });
    release();
    await q.drained();
    const settled = batches.map((b) => b.messages.map((m) => [m.body, m.outcome]));
    expect(settled).toEqual([
      [
        ['{"bad":true,"n":1}', 'retry'],
        ['{"bad":true,"n":2}', 'retry'],
        ['{"bad":false}', 'done'],
      ],
      // n 1's dead letter failed: it stays queued, and the batch still settles n 2.
      [
        ['{"bad":true,"n":1}', 'retry'],
        ['{"bad":true,"n":2}', 'deadLetter'],
      ],
      [['{"bad":true,"n":1}', 'deadLetter']],
    ]);
    expect(String(batches[1]?.messages[0]?.deadLetterError)).toContain('ENOSPC');
    expect(dead.map((d) => [d.body, d.receiveCount])).toEqual([
      ['{"bad":true,"n":2}', 2],
      ['{"bad":true,"n":1}', 3],
    ]);
    expect(q.depth).toBe(0);
  });

  it('forgets a message once it leaves the queue, handled or dead-lettered, not while it is retried', async () => {
    const forgotten: string[] = [];
    const bodies = new Map<string, string>();
    const q = new LocalQueue({
      handler: async (event) => {
        for (const r of event.Records) bodies.set(r.messageId, r.body);
        return {
          batchItemFailures: event.Records.filter((r) => JSON.parse(r.body).bad === true).map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
      deadLetters: async () => {},
      forget: (id) => forgotten.push(bodies.get(id) ?? id),
      maxReceives: 3,
      backoffMs: 1,
      maxBackoffMs: 4,
    });
    q.send({ bad: true });
    q.send({ bad: false });
    await q.drained();
    expect(forgotten).toEqual(['{"bad":false}', '{"bad":true}']);
  });

  it('close refuses new messages and still delivers what was sent', async () => {
    const seen: string[] = [];
    const { q } = queue(async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const r of event.Records) seen.push(r.body);
      return { batchItemFailures: [] };
    });
    q.send({ n: 1 });
    q.send({ n: 2 });
    await q.close();
    expect(seen).toEqual(['{"n":1}', '{"n":2}']);
    expect(() => q.send({ n: 3 })).toThrow(/closed/);
  });
});
