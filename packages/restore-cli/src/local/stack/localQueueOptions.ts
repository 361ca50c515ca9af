import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueJournal } from './queueJournal.js';
import type { DeadLetter, QueuedMessage } from './sqsMessages.js';

/** `in-order`: oldest first. `shuffled`: what is due at about the same time, in a random order. */
export const DELIVERY_ORDERS = ['in-order', 'shuffled'] as const;
export type DeliveryOrder = (typeof DELIVERY_ORDERS)[number];

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
  /** How long a new message waits before its first delivery (SQS `DelaySeconds`). @default 0 */
  readonly delayMs?: number;
  /** @default 'in-order' */
  readonly order?: DeliveryOrder;
  /**
   * `shuffled`: new messages become due at the end of the window of this many milliseconds they fall
   * in (after the delay), all of a window at once, as a CloudTrail log file delivers its events.
   * @default 1000
   */
  readonly orderWindowMs?: number;
  /** Where messages are kept until they leave the queue; without one, in memory only. */
  readonly journal?: QueueJournal;
  /** What the journal kept from an earlier run: delivered before anything else, without the delay. */
  readonly recovered?: readonly QueuedMessage[];
}

/** The options with their defaults filled in (`recovered` goes to the queue itself). */
export type QueueSettings = Required<
  Omit<LocalQueueOptions, 'onBatch' | 'failureOf' | 'forget' | 'journal' | 'recovered'>
> &
  Pick<LocalQueueOptions, 'onBatch' | 'failureOf' | 'forget' | 'journal'>;

/** The options as the queue runs with them: SQS's and Lambda's defaults where none is given. */
export function queueSettings(options: Omit<LocalQueueOptions, 'recovered'>): QueueSettings {
  return {
    batchSize: 10,
    maxReceives: 5,
    backoffMs: 250,
    maxBackoffMs: 4_000,
    queueName: 'rewind-capture',
    region: 'us-east-1',
    delayMs: 0,
    order: 'in-order',
    orderWindowMs: 1_000,
    ...options,
  };
}
