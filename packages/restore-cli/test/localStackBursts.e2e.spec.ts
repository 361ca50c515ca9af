import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burstFilePath } from '../src/local/stack/stackBursts.js';
import { type StackInTempDir, stackInTempDir } from './localStackTruth.testing.js';

let running: StackInTempDir;
const activity: string[] = [];

beforeAll(async () => {
  running = await stackInTempDir('bursts', {
    burstThreshold: { count: 3, minutes: 1 },
    onActivity: (line) => activity.push(line),
  });
}, 60_000);

afterAll(() => running?.stop());

describe('the local stack’s burst alarm', () => {
  it('prints a burst of deletes once and keeps it in <dir>/local/bursts.ndjson', async () => {
    const { cognito, stack, work } = running;
    const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'bursts' }));
    const poolId = pool.UserPool?.Id as string;
    const names = ['u1', 'u2', 'u3', 'u4'];
    for (const Username of names)
      await cognito.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: 'SUPPRESS' }),
      );
    await stack.settle();
    for (const Username of names) {
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username }));
      // Each delete captured before the next: several batches, as CloudTrail delivers them.
      await stack.settle();
    }
    const lines = (await readFile(burstFilePath(join(work, '.rewind')), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const detail = JSON.parse(lines[0] as string);
    expect(detail).toMatchObject({
      poolId,
      threshold: { count: 3, minutes: 1 },
      counts: { AdminDeleteUser: 3 },
    });
    expect(detail.restore.dryRun).toBe(
      `restore-cli restore --pool ${poolId} --at ${detail.restore.at} --dry-run`,
    );
    const printed = activity.filter((line) => line.startsWith('burst alarm:'));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(detail.restore.dryRun);
  }, 60_000);
});
