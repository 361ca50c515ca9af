import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalStack } from '../src/local/stack/localStack.js';
import {
  nextSecond,
  run,
  type StackInTempDir,
  stackInTempDir,
  stateAtViaCli,
  truth,
} from './localStackTruth.testing.js';

/**
 * `start --store aws`: the same handlers through the AWS adapters — the DynamoDB change log and
 * checkpoints on dynalite, snapshots and segments in s3rver — and `--local` reads them back.
 */

let work: string;
let stack: LocalStack;
let cognito: CognitoIdentityProviderClient;
let running: StackInTempDir;

beforeAll(async () => {
  running = await stackInTempDir('local-aws', { store: 'aws' });
  ({ work, stack, cognito } = running);
}, 60_000);

afterAll(() => running?.stop());

it('captures into DynamoDB and S3 on loopback, and state --local reads the truth back', async () => {
  const created = await cognito.send(new CreateUserPoolCommand({ PoolName: 'aws-store' }));
  const poolId = created.UserPool?.Id ?? '';
  const UserPoolId = poolId;
  await cognito.send(new AdminCreateUserCommand({ UserPoolId, Username: 'ann', MessageAction: 'SUPPRESS' }));
  await cognito.send(new CreateGroupCommand({ UserPoolId, GroupName: 'ops' }));
  await stack.settle();
  await stack.jobs.snapshotNow();
  await nextSecond();
  await cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId,
      Username: 'ann',
      UserAttributes: [{ Name: 'name', Value: 'Ann' }],
    }),
  );
  await stack.settle();
  const at = new Date().toISOString();
  const expected = await truth(cognito, poolId);
  expect(await stateAtViaCli(work, poolId, at, 'aws-state')).toEqual(expected);

  const stackFile = JSON.parse(await readFile(join(work, '.rewind', 'local', 'stack.json'), 'utf8'));
  expect(stackFile.store).toMatchObject({ kind: 'aws' });
  // The archive handler writes the log's records to delta segments in the bucket.
  const archived = await stack.jobs.archiveNow();
  expect(archived?.pools).toEqual([expect.objectContaining({ poolId })]);
  const verify = await run(work, ['verify', '--local', '--pool', poolId]);
  expect(verify.code).toBe(0);
});
