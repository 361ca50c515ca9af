import type { QueueSettings } from './localQueueOptions.js';
import type { QueuedMessage } from './sqsMessages.js';

/** When a new message is first delivered: after the delay and, shuffled, at the end of its window. */
export function dueAt(now: number, options: QueueSettings): number {
  const due = now + options.delayMs;
  if (options.order === 'in-order') return due;
  const window = options.orderWindowMs;
  return Math.ceil(due / window) * window;
}

/** The next batch among the messages due: the oldest first, or a random few in a random order. */
export function nextBatch(
  waiting: readonly QueuedMessage[],
  now: number,
  options: QueueSettings,
): QueuedMessage[] {
  const due = waiting.filter((m) => m.visibleAt <= now);
  if (options.order === 'shuffled') shuffle(due);
  return due.slice(0, options.batchSize);
}

/** Fisher-Yates, in place. */
function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
