import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient, RESTORE_PERMISSIONS } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal, startDynalite, startS3rver } from '@cognito-rewind/emulators';
import {
  breakEverything,
  type FakeRestoreEnv,
  type RecordingProxy,
  seedFullPool,
  startFakeRestoreEnv,
  startRecordingProxy,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exec } from '../src/cli.js';
import { createDemoPool, mutateDemoPool } from '../src/demo/demoPool.js';
import { RecordingIoHost } from '../src/io/ioHost.js';

/**
 * `restore-cli restore` against the AWS store (dynalite + s3rver) restores a changed pool on
 * cognito-local, into a new pool with --create-pool, and a pool with every component on the in-repo
 * Cognito fake (which has what cognito-local lacks). Every request the restore sends goes through a
 * recording proxy, named by the IAM action AWS authorizes it by, and is held to RESTORE_PERMISSIONS,
 * the operator role's list. Setup (store init, backups, the damage) goes to the servers directly.
 */

/** Declared actions no run below sends, and why; any other unsent one fails the last spec. */
const KNOWN_UNEXERCISED: Record<string, string> = {
  's3:AbortMultipartUpload': 'a delta segment over 5 MiB failing midway',
};

let work: string;
let servers: { stop(): Promise<void> }[];
let fake: FakeRestoreEnv;
let local: { endpoint: string };
let cognito: CognitoIdentityProviderClient;
let direct: string[];
let proxied: string[];
const proxies: Record<'local' | 'fake' | 'dynamodb' | 's3', RecordingProxy> = {} as never;

const BUCKET = 'rewind-permissions';
const TABLE = 'rewind-permissions-changes';

async function run(...args: string[]) {
  const io = new RecordingIoHost();
  // No AWS credentials from the developer's shell: the local servers get their placeholders.
  const code = await exec(args, io, { cwd: work, env: {} });
  return { code, out: io.output, err: io.errors };
}

/** Only what a restore sends passes the proxies. */
const sentByRestores = () => Object.values(proxies).flatMap((proxy) => proxy.actions());

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-permissions-'));
  const [cognitoLocal, dynalite, s3rver] = await Promise.all([
    startCognitoLocal({ dataDir: join(work, 'cognito-local') }),
    startDynalite(),
    startS3rver(),
  ]);
  fake = await startFakeRestoreEnv();
  // The fake's clock is the test's, moved by hand: now, so its dates and the store's agree.
  fake.advance(Date.now() - fake.clock.now().getTime());
  servers = [cognitoLocal, dynalite, s3rver];
  local = cognitoLocal;
  const [localProxy, fakeProxy, dynamodb, s3] = await Promise.all([
    startRecordingProxy('cognito-idp', cognitoLocal.endpoint),
    startRecordingProxy('cognito-idp', fake.running.endpoint),
    startRecordingProxy('dynamodb', dynalite.endpoint),
    startRecordingProxy('s3', s3rver.endpoint),
  ]);
  Object.assign(proxies, { local: localProxy, fake: fakeProxy, dynamodb, s3 });
  const store = (s3Endpoint: string, dynamodbEndpoint: string) => [
    '--bucket',
    BUCKET,
    '--table',
    TABLE,
    '--s3-endpoint',
    s3Endpoint,
    '--dynamodb-endpoint',
    dynamodbEndpoint,
  ];
  direct = store(s3rver.endpoint, dynalite.endpoint);
  proxied = store(s3.endpoint, dynamodb.endpoint);
  expect((await run('store', 'init', ...direct)).code).toBe(EXIT.ok);
  cognito = createCognitoClient({ endpoint: cognitoLocal.endpoint, region: 'us-east-1' });
}, 60_000);

afterAll(async () => {
  cognito?.destroy();
  await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
  await Promise.all([...(servers ?? []).map((server) => server.stop()), fake?.stop()]);
  await rm(work, { recursive: true, force: true });
});

/** A backup now, straight to the servers; its time. */
async function backup(poolId: string, endpoint: string): Promise<string> {
  const done = await run('backup', '--pool', poolId, ...direct, '--endpoint', endpoint);
  expect(done.err).toBe('');
  expect(done.code).toBe(EXIT.ok);
  return /at (\S+)/.exec(done.out)?.[1] ?? '';
}

describe('a restore sends only what RESTORE_PERMISSIONS holds', () => {
  let demoPool: string;
  let demoAt: string;

  it('of a changed pool on cognito-local, from the AWS store', async () => {
    demoPool = await createDemoPool(cognito);
    demoAt = await backup(demoPool, local.endpoint);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await mutateDemoPool(cognito, demoPool);
    // More of a bad afternoon: a user disabled, a membership added, an attribute set that T lacked.
    const UserPoolId = demoPool;
    await cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: 'alice' }));
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId, Username: 'émilie~dupont', GroupName: 'admins' }),
    );
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId,
        Username: 'alice',
        UserAttributes: [{ Name: 'name', Value: 'Alice' }],
      }),
    );
    const restore = (...more: string[]) =>
      run('--pool', demoPool, ...proxied, '--at', demoAt, '--endpoint', proxies.local.endpoint, ...more);
    const applied = await restore('--yes', '--report', work);
    expect(applied.code).toBe(EXIT.ok);
    expect(applied.out).toMatch(/restore history archived to cognito-backup\/.+\/deltas\//);
  });

  it('into a new pool (--create-pool), on cognito-local', async () => {
    const created = await run(
      '--pool',
      demoPool,
      ...proxied,
      '--at',
      demoAt,
      '--endpoint',
      proxies.local.endpoint,
      '--create-pool',
      'restored',
      '--yes',
      '--report',
      work,
    );
    expect(created.code).toBe(EXIT.ok);
    expect(proxies.local.actions()).toContain('cognito-idp:CreateUserPool');
  });

  it('of every component, broken, on the Cognito fake', async () => {
    const pool = await seedFullPool(fake);
    const at = await backup(pool.poolId, fake.running.endpoint);
    fake.advance(60_000);
    await breakEverything(fake, pool);
    // The hosted UI moved to another domain: the restore deletes it and puts back T's.
    const UserPoolId = pool.poolId;
    await fake.cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId, Domain: pool.domain }));
    await fake.cognito.send(new CreateUserPoolDomainCommand({ UserPoolId, Domain: `${pool.domain}-moved` }));
    fake.advance(60_000);
    const applied = await run(
      '--pool',
      pool.poolId,
      ...proxied,
      '--at',
      at,
      '--endpoint',
      proxies.fake.endpoint,
      '--exact',
      '--yes',
      '--report',
      work,
    );
    expect(applied.err).toBe('');
    expect(applied.code).toBe(EXIT.ok);
  });

  it('and nothing else', () => {
    const { cognito: pools, createPool, dynamodb, s3 } = RESTORE_PERMISSIONS;
    const declared = new Set<string>([...pools, ...createPool, ...dynamodb, ...s3]);
    expect(sentByRestores().filter((action) => !declared.has(action))).toEqual([]);
  });

  it('and RESTORE_PERMISSIONS holds nothing those restores did not send, but what they cannot', () => {
    const { cognito: pools, createPool, dynamodb, s3 } = RESTORE_PERMISSIONS;
    const sent = new Set(sentByRestores());
    const unsent = [...pools, ...createPool, ...dynamodb, ...s3].filter((action) => !sent.has(action));
    expect(unsent.filter((action) => KNOWN_UNEXERCISED[action] === undefined)).toEqual([]);
    expect(
      Object.keys(KNOWN_UNEXERCISED).filter((action) => sent.has(action)),
      'stale excuses',
    ).toEqual([]);
  });
});
