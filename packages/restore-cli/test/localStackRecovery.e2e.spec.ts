import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../src/local/stack/localStack.js';
import { readJournal } from '../src/local/stack/queueJournal.js';
import { captureQueuePath } from '../src/local/stack/stackCaptureQueue.js';
import { stackFilePath } from '../src/local/stack/stackFile.js';

/** What an earlier run left on the capture queue is never lost, even by a start that fails. */

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-recovery-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('a local stack that fails to start', () => {
  it('stops without delivering what the last run left, which stays on disk for the next start', async () => {
    const dir = join(work, '.rewind');
    await mkdir(join(dir, 'local'), { recursive: true });
    const left = '{"op":"sent","id":"left-over","sentAt":1764500000000,"body":"{\\"detail\\":{}}"}\n';
    await writeFile(captureQueuePath(dir), left);
    // The stack file cannot be written (its temporary name is taken by a directory): the last step fails.
    await mkdir(`${stackFilePath(dir)}.tmp`);
    const problems: string[] = [];
    await expect(startLocalStack({ dir, port: 0, onProblem: (line) => problems.push(line) })).rejects.toThrow(
      /EISDIR|illegal operation on a directory/,
    );
    const { messages } = readJournal(await readFile(captureQueuePath(dir), 'utf8'));
    expect(messages.map((m) => m.messageId)).toEqual(['left-over']);
    expect(problems.filter((line) => line.startsWith('capture'))).toEqual([]);
  });
});
