import { join } from 'node:path';
import { deadLetterFile } from './deadLetterFile.js';
import { errorText } from './errorText.js';
import { LocalQueue } from './localQueue.js';
import type { DeliveryOrder } from './localQueueOptions.js';
import { QueueJournal } from './queueJournal.js';
import type { StackHandlers } from './stackHandlers.js';
import { describeCaptures } from './stackReport.js';

/** Where the capture queue keeps what it holds between runs. */
export const captureQueuePath = (dir: string): string => join(dir, 'local', 'capture-queue.ndjson');

export interface CaptureQueueOptions {
  readonly dir: string;
  readonly handlers: StackHandlers;
  readonly region: string;
  readonly eventDelayMs: number;
  readonly eventOrder: DeliveryOrder;
  readonly activity: (line: string) => void;
  readonly problem: (line: string) => void;
}

/**
 * The queue between the tap and the capture handler, kept in its journal under `<dir>/local`: what
 * an earlier run left on it is delivered first, dead letters go to `dlq.ndjson`, and each batch is
 * reported (captures as activity, dead letters as problems). It comes held: `release` starts delivery.
 */
export async function openCaptureQueue(
  options: CaptureQueueOptions,
): Promise<{ queue: LocalQueue; journal: QueueJournal; deadLetters: string; release: () => void }> {
  const { handlers, activity, problem, eventDelayMs, eventOrder } = options;
  const deadLetters = join(options.dir, 'local', 'dlq.ndjson');
  const { journal, recovered } = await QueueJournal.open(captureQueuePath(options.dir), problem);
  if (recovered.damaged > 0)
    problem(
      `capture queue: ${recovered.damaged} damaged line(s) in ${journal.path} skipped: an event in them is not captured (the next reconcile reads what it changed)`,
    );
  if (recovered.messages.length > 0)
    activity(
      `capture    ${recovered.messages.length} event(s) accepted by the last run and not yet captured: delivered first`,
    );
  const queue = new LocalQueue({
    handler: handlers.capture,
    deadLetters: deadLetterFile(deadLetters),
    failureOf: (id) => handlers.failures.get(id),
    forget: (id) => handlers.failures.delete(id),
    onBatch: ({ messages }) => {
      for (const line of describeCaptures(messages, handlers.captured.appended.splice(0))) activity(line);
      if (messages.some((m) => m.outcome === 'deadLetter'))
        problem(`capture: dead letters written to ${deadLetters}`);
      for (const m of messages)
        if (m.deadLetterError !== undefined)
          problem(
            `capture: could not write a dead letter to ${deadLetters} (${errorText(m.deadLetterError)}): the message stays queued`,
          );
    },
    region: options.region,
    journal,
    recovered: recovered.messages,
    delayMs: eventDelayMs,
    order: eventOrder,
  });
  // Held before its first delivery (the queue's first pump is a microtask away, and the caller's await
  // is later still): nothing is delivered until the stack is whole.
  const release = queue.hold();
  return { queue, journal, deadLetters, release };
}
