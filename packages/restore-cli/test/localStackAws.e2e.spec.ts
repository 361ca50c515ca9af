import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/local/stack/localStack.js';
import { nextSecond, run, stateAtViaCli, truth } from './localStackTruth.testing.js';

/**
 * `start --store aws`: the same handlers through the AWS adapters — the DynamoDB change log and
 * checkpoints on dynalite, snapshots and segments in s3rver — and `--local` reads them back.
 */

let work: string;
let stack: LocalStack;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-local-aws-'));
  stack = await startLocalStack({ dir: join(work, '.rewind'), port: 0, store: 'aws' });
  cognito = createCognitoClient({ endpoint: stack.cognitoEndpoint, region: stack.region });
}, 60_000);

afterAll(async () => {
  cognito?.destroy();
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

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
