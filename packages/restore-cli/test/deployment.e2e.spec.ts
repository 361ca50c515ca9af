import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DEPLOYMENT_OUTPUTS } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal, startDynalite, startS3rver } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT, exec } from '../src/cli.js';
import { createDemoPool, mutateDemoPool } from '../src/demo/demoPool.js';
import { RecordingIoHost } from '../src/io/ioHost.js';
import { STS_ENDPOINT_ENV } from '../src/store/restoreRole.js';
import { type SigningProxy, startSigningProxy } from './signingProxy.testing.js';
import { type StsStandIn, startStsStandIn } from './stsStandIn.testing.js';

/**
 * `--deployment <cdk outputs file>`: the store's names, its region and the restore role come from the
 * stack outputs, so an operator gives the pool and the time only. STS cannot be emulated, so a
 * loopback stand-in answers AssumeRole with s3rver's keys (the only ones it accepts), and proxies in
 * front of s3rver, dynalite and cognito-local record which keys signed every request.
 */

let work: string;
let local: Awaited<ReturnType<typeof startCognitoLocal>>;
let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let sts: StsStandIn;
let proxies: { s3: SigningProxy; dynamodb: SigningProxy; cognito: SigningProxy };
let cognito: CognitoIdentityProviderClient;
let poolId: string;
let firstAt: string;

// Names no flag gives below: only the outputs file knows them.
const BUCKET = 'acme-rewind-deployed';
const TABLE = 'acme-rewind-deployed-changes';
const PREFIX = 'acme-prod';
const REGION = 'eu-west-1';
const ROLE = 'arn:aws:iam::123456789012:role/CognitoRewind-RestoreRole';
// The operator's own keys, which sign only the AssumeRole call: s3rver refuses them.
const OPERATOR = { AWS_ACCESS_KEY_ID: 'AKIAOPERATOREXAMPLE', AWS_SECRET_ACCESS_KEY: 'operator-secret' };

async function run(env: NodeJS.ProcessEnv, ...args: string[]) {
  const io = new RecordingIoHost();
  const code = await exec(args, io, { cwd: work, env });
  return { code, out: io.output, err: io.errors };
}

/** The shell of an operator against the deployed stack (the endpoints stand in for AWS's). */
const deployedEnv = (): NodeJS.ProcessEnv => ({
  ...OPERATOR,
  REWIND_S3_ENDPOINT: proxies.s3.endpoint,
  REWIND_DYNAMODB_ENDPOINT: proxies.dynamodb.endpoint,
  COGNITO_ENDPOINT: proxies.cognito.endpoint,
  [STS_ENDPOINT_ENV]: sts.endpoint,
});

const everyRequest = () => [
  ...proxies.s3.requests,
  ...proxies.dynamodb.requests,
  ...proxies.cognito.requests,
];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-deployment-'));
  [local, dynalite, s3rver, sts] = await Promise.all([
    startCognitoLocal({ dataDir: join(work, 'cognito-local') }),
    startDynalite(),
    startS3rver(),
    startStsStandIn({
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      sessionToken: 'stand-in-session-token',
    }),
  ]);
  const [s3, dynamodb, cognitoProxy] = await Promise.all([
    startSigningProxy(s3rver.endpoint),
    startSigningProxy(dynalite.endpoint),
    startSigningProxy(local.endpoint),
  ]);
  proxies = { s3, dynamodb, cognito: cognitoProxy };
  cognito = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1' });
  poolId = await createDemoPool(cognito);

  // What the stack and its functions made: the store, and a backup before a bad afternoon.
  const store = ['--bucket', BUCKET, '--table', TABLE, '--prefix', PREFIX];
  const servers = ['--s3-endpoint', s3rver.endpoint, '--dynamodb-endpoint', dynalite.endpoint];
  expect((await run({}, 'store', 'init', ...store, ...servers)).code).toBe(EXIT.ok);
  const backup = await run(
    {},
    'backup',
    '--pool',
    poolId,
    ...store,
    ...servers,
    '--endpoint',
    local.endpoint,
  );
  expect(backup.code).toBe(EXIT.ok);
  firstAt = /at (\S+)/.exec(backup.out)?.[1] ?? '';
  await mutateDemoPool(cognito, poolId);

  // What `cdk deploy --outputs-file rewind-outputs.json` writes: every stack of the app.
  const outputs = {
    CognitoRewindNetwork: { VpcId: 'vpc-0abc' },
    CognitoRewind: {
      [DEPLOYMENT_OUTPUTS.bucket]: BUCKET,
      [DEPLOYMENT_OUTPUTS.table]: TABLE,
      [DEPLOYMENT_OUTPUTS.prefix]: PREFIX,
      [DEPLOYMENT_OUTPUTS.kmsKeyArn]: '',
      [DEPLOYMENT_OUTPUTS.region]: REGION,
      [DEPLOYMENT_OUTPUTS.restoreRoleArn]: ROLE,
      [DEPLOYMENT_OUTPUTS.poolIds]: poolId,
    },
  };
  await writeFile(join(work, 'rewind-outputs.json'), JSON.stringify(outputs, null, 2));
}, 90_000);

beforeEach(() => {
  // The SDK's credential chain reads the process's environment: the operator's keys sign AssumeRole.
  for (const [name, value] of Object.entries(OPERATOR)) vi.stubEnv(name, value);
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE']) vi.stubEnv(name, undefined);
  sts.calls.length = 0;
  for (const proxy of Object.values(proxies)) proxy.requests.length = 0;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  cognito?.destroy();
  await Promise.all([
    local?.stop(),
    dynalite?.stop(),
    s3rver?.stop(),
    sts?.stop(),
    ...Object.values(proxies ?? {}).map((proxy) => proxy.stop()),
  ]);
  await rm(work, { recursive: true, force: true });
});

describe('restore-cli against a deployed stack (--deployment, the restore role)', () => {
  it('plans a restore from the pool and the time alone, as the restore role, in the names the file gives', async () => {
    const planned = await run(
      deployedEnv(),
      'restore',
      '--deployment',
      'rewind-outputs.json',
      '--pool',
      poolId,
      '--at',
      firstAt,
      '--dry-run',
    );
    expect(planned.err).not.toMatch(/error/);
    expect(planned.code).toBe(EXIT.ok);
    expect(planned.out).toMatch(/user:/);

    // One AssumeRole for the whole command, signed by the operator's own keys, in the stack's region.
    expect(sts.calls).toHaveLength(1);
    expect(sts.calls[0]).toMatchObject({ roleArn: ROLE, sessionName: 'cognito-rewind-restore' });
    expect(sts.calls[0]?.authorization).toMatch(
      new RegExp(`Credential=${OPERATOR.AWS_ACCESS_KEY_ID}/\\d{8}/${REGION}/sts/aws4_request`),
    );
    // Then every request to S3, DynamoDB and Cognito was signed with the keys STS returned...
    for (const proxy of Object.values(proxies)) expect(proxy.requests.length).toBeGreaterThan(0);
    for (const request of everyRequest()) {
      expect(request.credential).toMatch(/^S3RVER\//);
      expect(request.securityToken).toBe('stand-in-session-token');
    }
    // ...and succeeded: s3rver checks the signature. cognito-local answers what it does not implement
    // (identity providers, resource servers…) with a 500, which the reader records as not captured.
    for (const request of [...proxies.s3.requests, ...proxies.dynamodb.requests])
      expect(request.status, `${request.method} ${request.path} ${request.target}`).toBeLessThan(400);
    for (const request of proxies.cognito.requests) expect([200, 500]).toContain(request.status);
    // The store's bucket, prefix and region came from the outputs file.
    for (const request of proxies.s3.requests) {
      expect(request.path).toMatch(new RegExp(`^/${BUCKET}[/?]`));
      expect(request.credential).toContain(`/${REGION}/s3/`);
    }
    expect(proxies.s3.requests.some((request) => request.path.includes(PREFIX))).toBe(true);
  });

  it('takes the pool from a deployment that keeps one, and names each command in its session', async () => {
    const verified = await run(deployedEnv(), 'verify', '--deployment', 'rewind-outputs.json');
    expect(verified.code).toBe(EXIT.ok);
    expect(verified.out).toContain(`verify ${poolId} in s3://${BUCKET}/${PREFIX} + table ${TABLE}`);
    expect(verified.out).toContain('everything checks out');
    expect(sts.calls.map((call) => call.sessionName)).toEqual(['cognito-rewind-verify']);
    for (const request of everyRequest()) expect(request.credential).toMatch(/^S3RVER\//);
  });

  it('refuses a role ARN that cannot be one before calling anything', async () => {
    const bad = 'arn:aws:iam::1234:role/restore';
    const refused = await run(
      deployedEnv(),
      'verify',
      '--deployment',
      'rewind-outputs.json',
      '--role-arn',
      bad,
    );
    expect(refused.code).toBe(EXIT.badInput);
    expect(refused.err).toContain(
      `--role-arn ${bad} is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`,
    );
    expect(sts.calls).toHaveLength(0);
    expect(everyRequest()).toHaveLength(0);
  });

  it('says which role could not be assumed, and why, when STS refuses', async () => {
    const denied = 'arn:aws:iam::123456789012:role/denied-restore';
    const refused = await run(
      deployedEnv(),
      'verify',
      '--deployment',
      'rewind-outputs.json',
      '--role-arn',
      denied,
    );
    expect(refused.code).toBe(EXIT.failed);
    expect(refused.err).toContain(`cannot assume the role ${denied} (session cognito-rewind-verify)`);
    expect(refused.err).toContain('is not authorized to perform: sts:AssumeRole');
    // Nothing reached the store unsigned by the role.
    expect(everyRequest().filter((request) => request.status !== undefined)).toHaveLength(0);
  });
});
