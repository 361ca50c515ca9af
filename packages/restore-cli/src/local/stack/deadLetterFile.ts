import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeadLetter } from './sqsMessages.js';

/**
 * The local DLQ: one JSON line per message that failed every receive, appended to a file that a
 * person can read and, once the cause is fixed, feed back. Bodies are the tap's events, already
 * masked the way CloudTrail masks them.
 */
export function deadLetterFile(path: string): (letter: DeadLetter) => Promise<void> {
  return async (letter) => {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, `${JSON.stringify(letter)}\n`);
  };
}
