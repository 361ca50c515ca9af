import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SETTINGS, toArray } from '@cognito-rewind/core';
import { S3RVER_CREDENTIALS } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from '../src/bundles.js';
import { type DeployedLoopback, startDeployedLoopback } from './deployedLoopback.testing.js';
import {
  type FunctionAsset,
  functionAssets,
  type PseudoParameters,
  resolvedEnvironment,
  resourceNames,
} from './functionAssets.testing.js';
import { type Invocation, invokeAsset } from './invokeAsset.testing.js';
import { cloudTrailEvent, type Origin, scheduledEvent, sqsEventOf } from './lambdaEvents.testing.js';
import { MINIMAL, type Synthesized, synth } from './synth.testing.js';

/**
 * Each function as `cdk deploy` would ship it: the staged asset folder of the synthesized cloud
 * assembly, loaded by a fresh `node` process with the environment the template gives the function,
 * handling a real event against the loopback servers. A bundle missing a module, or a variable the
 * handler needs and the stack does not set, fails here rather than in a deploy.
 */

const origin: Origin = { account: '123456789012', region: MINIMAL.region };
const PSEUDO: PseudoParameters = {
  'AWS::AccountId': origin.account,
  'AWS::Region': origin.region,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};
const ENDPOINTS: string[] = [SETTINGS.s3Endpoint, SETTINGS.dynamodbEndpoint, SETTINGS.cognitoEndpoint].map(
  (setting) => setting.variable,
);

let outdir: string;
let synthesized: Synthesized;
let assets: Record<FunctionName, FunctionAsset>;
let loopback: DeployedLoopback;
let poolId: string;
let aliceSub: string;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'rewind-assets-'));
  synthesized = synth(MINIMAL, { outdir });
  assets = functionAssets(outdir, synthesized);
  const environment = resolvedEnvironment(assets.capture, PSEUDO);
  poolId = synthesized.config.pools[0] as string;
  loopback = await startDeployedLoopback({
    bucket: environment[SETTINGS.bucket.variable] as string,
    table: environment[SETTINGS.table.variable] as string,
    poolId,
  });
  const alice = await loopback.writer.createUser(
    poolId,
    'alice',
    { name: 'Alice' },
    { suppressMessages: true },
  );
  aliceSub = alice.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? '';
}, 60_000);

afterAll(async () => {
  await loopback?.stop();
  if (outdir !== undefined) await rm(outdir, { recursive: true, force: true });
});

/**
 * A function's whole environment: the template's variables, resolved as CloudFormation would in
 * the test account; where the loopback servers are; and what the Lambda runtime sets itself,
 * the role's keys included (s3rver's pair: dynalite and cognito-local take any).
 */
function lambdaEnvironment(asset: FunctionAsset): Record<string, string> {
  const { Runtime, MemorySize } = asset.properties as { Runtime: string; MemorySize: number };
  return {
    ...resolvedEnvironment(asset, PSEUDO),
    [SETTINGS.s3Endpoint.variable]: loopback.endpoints.s3,
    [SETTINGS.dynamodbEndpoint.variable]: loopback.endpoints.dynamodb,
    [SETTINGS.cognitoEndpoint.variable]: loopback.endpoints.cognito,
    AWS_REGION: origin.region,
    AWS_DEFAULT_REGION: origin.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${Runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: asset.name,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MemorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${asset.name}`,
    LAMBDA_TASK_ROOT: asset.dir,
    TZ: ':UTC',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'loopback-session',
  };
}

/** Invokes a function's asset and expects it to have resolved; what it printed names any failure. */
async function invoke(name: FunctionName, event: unknown): Promise<Invocation> {
  const asset = assets[name];
  const invocation = await invokeAsset(asset, event, lambdaEnvironment(asset));
  expect(
    invocation.code,
    `${name} exited ${invocation.code}:\n${invocation.stderr}\n${invocation.stdout}`,
  ).toBe(0);
  return invocation;
}

const scheduled = (name: FunctionName) => scheduledEvent(synthesized.app, assets[name].logicalId, origin);

describe('the synthesized functions', () => {
  it.each(FUNCTION_NAMES)('%s: an asset of index.mjs and its map, on nodejs22.x arm64', async (name) => {
    const asset = assets[name];
    const files = await readdir(asset.dir, { recursive: true });
    expect(files.sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(asset.properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it.each(FUNCTION_NAMES)('%s: names the store the store stack makes, and no endpoint', (name) => {
    const environment = resolvedEnvironment(assets[name], PSEUDO);
    const buckets = resourceNames(synthesized.store, 'AWS::S3::Bucket', 'BucketName', PSEUDO);
    const tables = resourceNames(synthesized.store, 'AWS::DynamoDB::GlobalTable', 'TableName', PSEUDO);
    expect(buckets).toContain(environment[SETTINGS.bucket.variable]);
    expect(tables).toContain(environment[SETTINGS.table.variable]);
    expect(environment[SETTINGS.poolIds.variable]).toBe(poolId);
    // The deployed functions reach AWS itself; Lambda sets the AWS_ variables, which none may override.
    expect(
      Object.keys(environment).filter((key) => ENDPOINTS.includes(key) || key.startsWith('AWS_')),
    ).toEqual([]);
    // The invocations below run with every variable the template sets, unchanged.
    expect(lambdaEnvironment(assets[name])).toMatchObject(environment);
  });
});

describe('each function, loaded from its asset, handles a real event', () => {
  it('snapshot: a scheduled event makes the pool’s first full read', async () => {
    const { result } = await invoke('snapshot', scheduled('snapshot'));
    expect(result).toMatchObject({ pools: [{ poolId, outcome: 'firstRead', warnings: [] }] });
    expect((result as { pools: { records: number }[] }).pools[0]?.records).toBeGreaterThan(0);
  });

  it('capture: a CloudTrail AdminUpdateUserAttributes from the queue appends the user’s change', async () => {
    // Cognito dates users in whole seconds: the change is a second after the baseline read.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await loopback.writer.updateUserAttributes(poolId, 'alice', { name: 'Alice Changed' });
    const eventId = randomUUID();
    const event = cloudTrailEvent('AdminUpdateUserAttributes', { poolId, sub: aliceSub, eventId });
    const { result } = await invoke('capture', sqsEventOf(event, origin));
    expect(result).toEqual({ batchItemFailures: [] });
    const history = await toArray(loopback.changeLog.entityHistory(poolId, 'user:alice'));
    const recorded = history.filter((record) => record.event?.eventId === eventId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      source: 'cloudtrail',
      poolId,
      entity: 'user:alice',
      after: { attributes: { name: 'Alice Changed' } },
    });
  });

  it('archive: a scheduled event archives the records to a delta segment', async () => {
    const { result } = await invoke('archive', scheduled('archive'));
    expect(result).toMatchObject({ pools: [{ poolId, outcome: 'archived' }] });
    expect((result as { pools: { segments: string[] }[] }).pools[0]?.segments).toHaveLength(1);
  });

  it('reconcile: a scheduled event makes the pool’s first full reconcile', async () => {
    const { result } = await invoke('reconcile', scheduled('reconcile'));
    expect(result).toMatchObject({ pools: [{ poolId, outcome: 'finished', done: true }] });
  });

  it('snapshot: the next scheduled event compacts the snapshot with the records since', async () => {
    const { result } = await invoke('snapshot', scheduled('snapshot'));
    expect(result).toMatchObject({ pools: [{ poolId, outcome: 'compacted', warnings: [] }] });
  });
});
