import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './lambdaContext.js';
import { type DeadLetter, deadLetterOf, type QueuedMessage, sqsRecord } from './sqsMessages.js';

export type { DeadLetter } from './sqsMessages.js';

/**
 * The local stand-in for the SQS queue between EventBridge and the capture Lambda: messages go to the
 * handler in SQS-shaped batches, the ones it reports failed (a partial batch response) come back after
 * a growing delay, and a message received `maxReceives` times goes to the dead letters, as SQS's
 * redrive policy sends it to the DLQ. One batch at a time: locally there is no throughput to win.
 */

export type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** What became of one message of a delivered batch. */
export interface DeliveredMessage {
  body: string;
  receiveCount: number;
  /** Handled; to be received again after a delay; or sent to the dead letters. */
  outcome: 'done' | 'retry' | 'deadLetter';
  /** Why its dead letter could not be written: it stays queued (outcome `retry`) and is tried again. */
  deadLetterError?: unknown;
}

/** What one delivery did, for the console. */
export interface BatchOutcome {
  messages: DeliveredMessage[];
  /** What the handler threw, when it failed the whole batch. */
  error?: unknown;
}

export interface LocalQueueOptions {
  readonly handler: BatchHandler;
  readonly deadLetters: (letter: DeadLetter) => Promise<void>;
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /** Why the handler failed a message, when it said so (its log line names the message). */
  readonly failureOf?: (messageId: string) => string | undefined;
  /** Called once a message has left the queue (handled or dead-lettered): what was kept on it can go. */
  readonly forget?: (messageId: string) => void;
  /** @default 10 (Lambda's default batch size for SQS) */
  readonly batchSize?: number;
  /** Receives before a message goes to the dead letters (SQS `maxReceiveCount`). @default 5 */
  readonly maxReceives?: number;
  /** Delay before the first redelivery, doubled on each later one. @default 250 */
  readonly backoffMs?: number;
  /** @default 4000 */
  readonly maxBackoffMs?: number;
  /** @default 'rewind-capture' */
  readonly queueName?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

export class LocalQueue {
  private readonly waiting: QueuedMessage[] = [];
  private busy = false;
  private closed = false;
  private holds = 0;
  private timer: NodeJS.Timeout | undefined;
  private drainedWaiters: (() => void)[] = [];
  private readonly options: Required<Omit<LocalQueueOptions, 'onBatch' | 'failureOf' | 'forget'>> &
    Pick<LocalQueueOptions, 'onBatch' | 'failureOf' | 'forget'>;

  constructor(options: LocalQueueOptions) {
    this.options = {
      batchSize: 10,
      maxReceives: 5,
      backoffMs: 250,
      maxBackoffMs: 4_000,
      queueName: 'rewind-capture',
      region: 'us-east-1',
      ...options,
    };
  }

  /** Enqueues one message (the JSON of `body`); refused once the queue is closed. */
  send(body: object): void {
    if (this.closed) throw new Error('the capture queue is closed: the stack is stopping');
    const now = Date.now();
    this.waiting.push({
      messageId: randomUUID(),
      body: JSON.stringify(body),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now,
    });
    this.pump();
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

  /** Stops accepting messages, then delivers (and redelivers) what is left, holds or not. */
  async close(): Promise<void> {
    this.closed = true;
    this.holds = 0;
    this.pump();
    await this.drained();
  }

  private pump(): void {
    if (this.busy || this.holds > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) {
      for (const resolve of this.drainedWaiters.splice(0)) resolve();
      return;
    }
    const now = Date.now();
    const batch = this.waiting.filter((m) => m.visibleAt <= now).slice(0, this.options.batchSize);
    if (batch.length === 0) {
      const next = Math.min(...this.waiting.map((m) => m.visibleAt));
      this.timer = setTimeout(() => this.pump(), next - now);
      return;
    }
    this.busy = true;
    this.deliver(batch)
      .catch((error: unknown) => process.stderr.write(`local queue: ${String(error)}\n`))
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
        ? `the capture handler failed: ${error instanceof Error ? error.message : String(error)}`
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
    this.options.forget?.(message.messageId);
  }
}
