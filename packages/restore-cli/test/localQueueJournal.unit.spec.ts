import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../src/local/stack/localQueue.js';
import { QueueJournal } from '../src/local/stack/queueJournal.js';

/**
 * The capture queue's journal: what was sent and not acknowledged survives the process, a torn last
 * line (a crash mid-write) is dropped, and a reopened journal holds only what is still queued.
 */

let work: string;
let files = 0;
const newPath = () => join(work, `journal-${files++}.ndjson`);
const problems: string[] = [];
const open = (path: string) => QueueJournal.open(path, (line) => problems.push(line));
const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { op: string; id: string });

/** A handler that takes everything and remembers each record it was handed. */
function recorder() {
  const received: SQSEvent['Records'] = [];
  return {
    received,
    handler: async (event: SQSEvent) => {
      received.push(...event.Records);
      return { batchItemFailures: [] };
    },
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-journal-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('QueueJournal with LocalQueue', () => {
  it('keeps what was sent and not handled across a crash, and delivers it again with its id and body', async () => {
    const path = newPath();
    const first = await open(path);
    expect(first.recovered).toEqual({ messages: [], damaged: 0 });
    const { handler, received } = recorder();
    const queue = new LocalQueue({ handler, deadLetters: async () => {}, journal: first.journal });
    // Handled: acknowledged in the journal.
    await queue.send({ n: 1 });
    await queue.drained();
    // Held, as capture is behind a delivery delay: sent, on disk, never handled.
    queue.hold();
    await queue.send({ n: 2 });
    await queue.send({ n: 3 });
    expect(received.map((r) => r.body)).toEqual(['{"n":1}']);
    // The crash: the queue is never closed; another process opens the same file.

    const second = await open(path);
    expect(second.recovered.damaged).toBe(0);
    expect(second.recovered.messages.map((m) => m.body)).toEqual(['{"n":2}', '{"n":3}']);
    // Opening compacted the file to what is still queued.
    expect((await lines(path)).map((line) => line.op)).toEqual(['sent', 'sent']);

    const again = recorder();
    const restarted = new LocalQueue({
      handler: again.handler,
      deadLetters: async () => {},
      journal: second.journal,
      recovered: second.recovered.messages,
    });
    await restarted.recovered();
    expect(again.received.map((r) => [r.messageId, r.body])).toEqual(
      second.recovered.messages.map((m) => [m.messageId, m.body]),
    );
    // SentTimestamp is when the first run took the message, not when it came back.
    expect(Number(again.received[0]?.attributes.SentTimestamp)).toBe(second.recovered.messages[0]?.sentAt);
    await restarted.close();

    const third = await open(path);
    expect(third.recovered.messages).toEqual([]);
    await third.journal.close();
    expect(problems).toEqual([]);
  });

  it('drops a torn last line (the write a crash cut short was never acknowledged to anyone)', async () => {
    const path = newPath();
    const { journal } = await open(path);
    const queue = new LocalQueue({ handler: recorder().handler, deadLetters: async () => {}, journal });
    queue.hold();
    await queue.send({ kept: true });
    await appendFile(path, '{"op":"sent","id":"torn","sentAt":17000000');

    const reopened = await open(path);
    expect(reopened.recovered.damaged).toBe(0);
    expect(reopened.recovered.messages.map((m) => m.body)).toEqual(['{"kept":true}']);
    // A line appended after the reopen starts a line of its own.
    const next = new LocalQueue({
      handler: recorder().handler,
      deadLetters: async () => {},
      journal: reopened.journal,
    });
    next.hold();
    await next.send({ after: true });
    const last = await open(path);
    expect(last.recovered.messages.map((m) => m.body)).toEqual(['{"kept":true}', '{"after":true}']);
    await last.journal.close();
  });

  it('skips and counts a damaged line inside the file, and keeps reading after it', async () => {
    const path = newPath();
    await appendFile(
      path,
      [
        '{"op":"sent","id":"a","sentAt":1,"body":"{}"}',
        'not json',
        '{"op":"sent","id":"b"}',
        '{"op":"sent","id":"c","sentAt":3,"body":"{\\"c\\":1}"}',
        '{"op":"acked","id":"a"}',
        '',
      ].join('\n'),
    );
    const { journal, recovered } = await open(path);
    expect(recovered.damaged).toBe(2);
    expect(recovered.messages.map((m) => [m.messageId, m.body, m.sentAt])).toEqual([['c', '{"c":1}', 3]]);
    await journal.close();
  });

  it('acknowledges a message once it went to the dead letters, not while it is retried', async () => {
    const path = newPath();
    const { journal } = await open(path);
    const dead: string[] = [];
    const queue = new LocalQueue({
      handler: async (event) => ({
        batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
      }),
      deadLetters: async (letter) => void dead.push(letter.body),
      journal,
      maxReceives: 2,
      backoffMs: 1,
    });
    await queue.send({ poison: true });
    await queue.drained();
    expect(dead).toEqual(['{"poison":true}']);
    await queue.close();
    expect((await lines(path)).map((line) => line.op)).toEqual(['sent', 'acked']);
    const reopened = await open(path);
    expect(reopened.recovered.messages).toEqual([]);
    await reopened.journal.close();
  });

  it('empties a grown file once the queue is empty, so a long run does not keep every event', async () => {
    const path = newPath();
    const { journal } = await open(path);
    const queue = new LocalQueue({ handler: recorder().handler, deadLetters: async () => {}, journal });
    const padding = 'x'.repeat(100_000);
    for (let i = 0; i < 12; i++) await queue.send({ i, padding });
    await queue.close();
    expect((await stat(path)).size).toBe(0);
  });
});

describe('LocalQueue delivery delay and order', () => {
  it('holds a new message for the delay before its first delivery', async () => {
    const { handler, received } = recorder();
    const queue = new LocalQueue({ handler, deadLetters: async () => {}, delayMs: 300 });
    const sentAt = Date.now();
    await queue.send({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received).toEqual([]);
    await queue.drained();
    expect(received.map((r) => r.body)).toEqual(['{"n":1}']);
    expect(Number(received[0]?.attributes.ApproximateFirstReceiveTimestamp) - sentAt).toBeGreaterThanOrEqual(
      300,
    );
  });

  it('close delivers what is still waiting out its delay, so a stopped stack has captured everything', async () => {
    const { handler, received } = recorder();
    const queue = new LocalQueue({ handler, deadLetters: async () => {}, delayMs: 3_600_000 });
    await queue.send({ n: 1 });
    await queue.close();
    expect(received.map((r) => r.body)).toEqual(['{"n":1}']);
  });

  it('shuffled: what is due in the same window comes in a random order, every message once', async () => {
    const bodies = Array.from({ length: 30 }, (_, n) => JSON.stringify({ n }));
    const orders: string[][] = [];
    for (const order of ['in-order', 'shuffled'] as const) {
      const { handler, received } = recorder();
      const queue = new LocalQueue({ handler, deadLetters: async () => {}, order, orderWindowMs: 50 });
      const release = queue.hold();
      for (const body of bodies) await queue.send(JSON.parse(body));
      release();
      await queue.drained();
      orders.push(received.map((r) => r.body));
    }
    const [inOrder, shuffled] = orders;
    expect(inOrder).toEqual(bodies);
    // 30! orders: this one is the sent order about never.
    expect(shuffled).not.toEqual(bodies);
    expect([...(shuffled ?? [])].sort()).toEqual([...bodies].sort());
  });
});
