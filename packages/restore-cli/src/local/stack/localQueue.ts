import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { dueAt, nextBatch } from './deliveryOrder.js';
import { MAX_TIMER_MS } from './duration.js';
import { errorText } from './errorText.js';
import { lambdaContext } from './lambdaContext.js';
import {
  type DeliveredMessage,
  type LocalQueueOptions,
  type QueueSettings,
  queueSettings,
} from './localQueueOptions.js';
import { deadLetterOf, type QueuedMessage, sqsRecord } from './sqsMessages.js';

export type { DeadLetter } from './sqsMessages.js';

/**
 * The local stand-in for the SQS queue between EventBridge and the capture Lambda: messages go to the
 * handler in SQS-shaped batches, the ones it reports failed (a partial batch response) come back after
 * a growing delay, and a message received `maxReceives` times goes to the dead letters, as SQS's
 * redrive policy sends it to the DLQ. One batch at a time: locally there is no throughput to win.
 *
 * As in AWS, a message can be held back before its first delivery (`delayMs`: CloudTrail's minutes
 * between a call and its event), and messages due at about the same time can come in any order
 * (`order: 'shuffled'`, as CloudTrail, EventBridge and standard SQS queues deliver them). With a
 * `journal`, what is on the queue survives the process: `recovered` messages (what an earlier run
 * left) are delivered first, straight away.
 */

export class LocalQueue {
  private readonly waiting: QueuedMessage[] = [];
  private busy = false;
  private closed = false;
  private holds = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The batch under way, settled once the handler answered and its messages were settled. */
  private inFlight: Promise<void> | undefined;
  private drainedWaiters: (() => void)[] = [];
  private readonly options: QueueSettings;
  /** Ids of the recovered messages still on the queue. */
  private readonly recovering: Set<string>;
  private recoveredWaiters: (() => void)[] = [];

  constructor(options: LocalQueueOptions) {
    const { recovered = [], ...rest } = options;
    this.options = queueSettings(rest);
    const now = Date.now();
    for (const message of recovered) this.waiting.push({ ...message, visibleAt: now });
    this.recovering = new Set(recovered.map((m) => m.messageId));
    // Not at once: whoever made the queue may hold it first (a stack, until it is whole).
    queueMicrotask(() => this.pump());
  }

  /**
   * Enqueues one message (the JSON of `body`); refused (thrown) once the queue is closed. Resolves
   * once the message is kept in the journal (at once without one); rejects when it could not be
   * written there, and the message is then delivered all the same, from memory.
   */
  send(body: object): Promise<void> {
    if (this.closed) throw new Error('the capture queue is closed: the stack is stopping');
    const now = Date.now();
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body: JSON.stringify(body),
      sentAt: now,
      receiveCount: 0,
      visibleAt: dueAt(now, this.options),
    };
    // Asked of the journal before any delivery can acknowledge it: the two lines keep that order.
    const kept = this.options.journal?.sent(message) ?? Promise.resolve();
    this.waiting.push(message);
    this.pump();
    return kept;
  }

  /** Resolves once every message recovered from an earlier run has been handled or dead-lettered. */
  recovered(): Promise<void> {
    if (this.recovering.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.recoveredWaiters.push(resolve));
  }

  /** Messages not yet handled or dead-lettered (those waiting to be redelivered included). */
  get depth(): number {
    return this.waiting.length;
  }

  /** Resolves once every message sent so far has been handled or dead-lettered. */
  drained(): Promise<void> {
    if (this.waiting.length === 0 && !this.busy) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  /** Stops delivering (messages still queue up) until the returned function is called. */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds = Math.max(0, this.holds - 1);
      this.pump();
    };
  }

  /**
   * Stops accepting messages, then delivers (and redelivers) what is left, holds or not: messages
   * waiting out their delay are delivered at once, so a stopped stack has captured every call. Then
   * closes the journal.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.holds = 0;
    const now = Date.now();
    for (const message of this.waiting) if (message.receiveCount === 0) message.visibleAt = now;
    this.pump();
    await this.drained();
    await this.options.journal?.close();
  }

  /**
   * Stops at once, delivering nothing more (a stack that failed to start): what is queued stays in
   * the journal for the next start. Waits for a batch under way, then closes the journal.
   */
  async abandon(): Promise<void> {
    this.closed = true;
    this.holds += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.options.journal?.close();
  }

  private pump(): void {
    if (this.busy || this.holds > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) {
      this.options.journal?.emptied();
      for (const resolve of this.drainedWaiters.splice(0)) resolve();
      return;
    }
    const now = Date.now();
    const batch = nextBatch(this.waiting, now, this.options);
    if (batch.length === 0) {
      const next = Math.min(...this.waiting.map((m) => m.visibleAt));
      // Never past the longest timer: a longer one fires at once, over and over.
      this.timer = setTimeout(() => this.pump(), Math.min(next - now, MAX_TIMER_MS));
      return;
    }
    this.busy = true;
    this.inFlight = this.deliver(batch)
      .catch((error: unknown) => void process.stderr.write(`local queue: ${String(error)}\n`))
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }

  private async deliver(batch: QueuedMessage[]): Promise<void> {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
    }
    const { region, queueName } = this.options;
    const event: SQSEvent = { Records: batch.map((m) => sqsRecord(m, region, queueName)) };
    let failedIds: Set<string>;
    let error: unknown;
    try {
      const response = await this.options.handler(
        event,
        lambdaContext('rewind-capture', this.options.region),
      );
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (thrown) {
      // A handler that throws fails the whole batch, as a Lambda error makes SQS redeliver it all.
      error = thrown;
      failedIds = new Set(batch.map((m) => m.messageId));
    }
    const messages: DeliveredMessage[] = [];
    for (const message of batch)
      messages.push({
        body: message.body,
        receiveCount: message.receiveCount,
        ...(await this.settle(message, failedIds.has(message.messageId), error)),
      });
    this.options.onBatch?.({ messages, ...(error === undefined ? {} : { error }) });
  }

  private async settle(
    message: QueuedMessage,
    failed: boolean,
    error: unknown,
  ): Promise<Pick<DeliveredMessage, 'outcome' | 'deadLetterError'>> {
    if (!failed) {
      this.remove(message);
      return { outcome: 'done' };
    }
    if (message.receiveCount < this.options.maxReceives) {
      this.retryLater(message);
      return { outcome: 'retry' };
    }
    const said = this.options.failureOf?.(message.messageId);
    const reason =
      error !== undefined
        ? `the capture handler failed: ${errorText(error)}`
        : `the capture handler failed it on each of ${message.receiveCount} receives${said === undefined ? '' : `, last: ${said}`}`;
    // The dead letter first: a message leaves the queue only once it is kept somewhere. One that could
    // not be written stays, is received again, and its dead letter tried again on that receive's failure.
    try {
      await this.options.deadLetters(deadLetterOf(message, reason));
    } catch (deadLetterError) {
      this.retryLater(message);
      return { outcome: 'retry', deadLetterError };
    }
    this.remove(message);
    return { outcome: 'deadLetter' };
  }

  private retryLater(message: QueuedMessage): void {
    message.visibleAt = Date.now() + this.backoff(message.receiveCount);
  }

  private backoff(receiveCount: number): number {
    return Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (receiveCount - 1));
  }

  private remove(message: QueuedMessage): void {
    const index = this.waiting.indexOf(message);
    if (index >= 0) this.waiting.splice(index, 1);
    this.options.journal?.acked(message.messageId);
    this.options.forget?.(message.messageId);
    if (this.recovering.delete(message.messageId) && this.recovering.size === 0)
      for (const resolve of this.recoveredWaiters.splice(0)) resolve();
  }
}
