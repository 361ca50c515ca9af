import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdminCreateUserCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DirectoryChangeLog } from '@cognito-rewind/core/adapters/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackInTempDir, stackInTempDir } from './localStackTruth.testing.js';

/** The running stack says that its directory store is damaged: once, when first found. */

let running: StackInTempDir;
const problems: string[] = [];

beforeAll(async () => {
  // Long intervals: the test runs the jobs itself (jobs.*Now), as a minute of the stack would.
  running = await stackInTempDir('local-stack-damage', { onProblem: (line) => problems.push(line) });
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

describe('the local stack and a damaged journal', () => {
  it('prints the damage once when a compaction or archive run first finds it, not at every run', async () => {
    const { stack, cognito } = running;
    const created = await cognito.send(new CreateUserPoolCommand({ PoolName: 'damaged' }));
    const poolId = created.UserPool?.Id ?? '';
    await cognito.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'alice', MessageAction: 'SUPPRESS' }),
    );
    await stack.settle();
    await stack.jobs.snapshotNow();
    const damaged = () => problems.filter((line) => line.startsWith('the store is damaged'));
    expect(damaged()).toEqual([]);

    // A line edited behind the store's back: its first record, with a field added (the length changes).
    expect(stack.store.changeLog).toBeInstanceOf(DirectoryChangeLog);
    const root = (stack.store.changeLog as DirectoryChangeLog).root;
    const journal = join(root, 'cognito-backup', poolId, 'changes', 'journal.log');
    const text = await readFile(journal, 'utf8');
    await writeFile(journal, text.replace('"version":1', '"version":1,"forged":true'));

    await stack.jobs.archiveNow();
    await stack.jobs.snapshotNow();
    await stack.jobs.archiveNow();
    expect(damaged()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the store is damaged: 1 damaged journal line\\(s\\) of ${poolId} \\(first at byte 0, \\S+\\) — run \`restore-cli verify --pool ${poolId}\`$`,
        ),
      ),
    ]);
  }, 60_000);
});
