import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dynalite, type S3rver, startDynalite, startS3rver } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { makeRecord } from '../changes/makeRecord.js';
import { lambdaStoreConfig, storeConfigFromFlags } from '../config/parseStoreConfig.js';
import { InvalidInputError, StoreNotInitializedError } from '../errors.js';
import { changeJournalPaths, checkpointPath, deltasPrefix } from '../layout/storeLayout.js';
import { awsStoreClients } from './aws/awsStoreClients.js';
import { createChangeLogTable } from './aws/dynamoTable.js';
import { ensureBucket } from './aws/s3Bucket.js';
import { openReadyStore, openStore } from './openStore.js';

/**
 * The one factory, from configuration as the CLI and the Lambda functions give it, against the real
 * parts: a directory, and dynalite with s3rver through the real SDK v3 clients.
 */
const POOL = 'eu-west-1_Factory1';
const BUCKET = 'rewind-factory';
const TABLE = 'rewind-factory';

let dynalite: Dynalite;
let s3rver: S3rver;
let work: string;

beforeAll(async () => {
  [dynalite, s3rver] = await Promise.all([startDynalite(), startS3rver()]);
  work = await mkdtemp(join(tmpdir(), 'rewind-factory-'));
  const clients = awsStoreClients({
    bucket: BUCKET,
    s3Endpoint: s3rver.endpoint,
    dynamodbEndpoint: dynalite.endpoint,
  });
  try {
    await ensureBucket(clients.s3, BUCKET);
    await createChangeLogTable(clients.dynamo.client, TABLE);
  } finally {
    clients.close();
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([dynalite?.stop(), s3rver?.stop()]);
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const record = (name: string): ChangeRecord => {
  const at = new Date(Date.now() - 60_000).toISOString();
  return makeRecord({
    poolId: POOL,
    entity: `group:${name}`,
    head: { version: 0, hash: null, doc: null },
    after: { GroupName: name },
    validFrom: at,
    observedAt: at,
    source: 'reconcile',
  });
};

describe('openStore: a directory', () => {
  it('opens --store as a directory under the working directory, laid out as storeLayout says', async () => {
    const config = storeConfigFromFlags({ store: 'store' });
    if (config.kind !== 'directory') throw new Error('--store is a directory store');
    const store = openStore(config, { cwd: work });
    try {
      expect(store.label).toBe('directory store');
      expect(store.localDir).toBe(join(work, 'store'));
      expect(await store.changeLog.append(record('dir'))).toBe('appended');
      await store.checkpoints.put(`reconcile/${POOL}`, { at: 1 }, undefined);
      expect(existsSync(join(work, 'store', changeJournalPaths(POOL).journal))).toBe(true);
      expect(existsSync(join(work, 'store', checkpointPath(`reconcile/${POOL}`)))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('refuses a store that must exist and does not, and a file in its place', async () => {
    const missing = storeConfigFromFlags({ store: 'nowhere' });
    expect(() => openStore(missing, { cwd: work, mustExist: true })).toThrow(
      /store .*nowhere does not exist/,
    );
    await writeFile(join(work, 'a-file'), '');
    expect(() => openStore({ kind: 'directory', dir: 'a-file' }, { cwd: work })).toThrow(InvalidInputError);
  });
});

describe('openStore: the AWS store', () => {
  const lambdaEnv = () => ({
    REWIND_BUCKET: BUCKET,
    REWIND_TABLE: TABLE,
    REWIND_S3_ENDPOINT: s3rver.endpoint,
    REWIND_DYNAMODB_ENDPOINT: dynalite.endpoint,
    AWS_REGION: 'us-east-1',
  });

  it('is the same store from the Lambda environment and from the CLI flags', async () => {
    const handlers = openStore(lambdaStoreConfig(lambdaEnv()), { cwd: work });
    const cli = openStore(storeConfigFromFlags({}, { ...lambdaEnv(), AWS_REGION: undefined }), { cwd: work });
    try {
      expect(cli.label).toBe(`s3://${BUCKET} + table ${TABLE}`);
      expect(cli.localDir).toBe(join(work, '.rewind'));
      const written = record('aws');
      expect(await handlers.changeLog.append(written)).toBe('appended');
      expect(await cli.changeLog.head(POOL, written.entity)).toStrictEqual(written);
      const key = await cli.archive(POOL, [written]);
      expect(key?.startsWith(deltasPrefix(POOL))).toBe(true);
      expect(await handlers.blobs.exists(key ?? '')).toBe(true);
    } finally {
      handlers.close();
      cli.close();
    }
  });

  it('opens the bucket alone read-only, reading back what was archived', async () => {
    const store = openStore(storeConfigFromFlags({ bucket: BUCKET, s3Endpoint: s3rver.endpoint }), {
      cwd: work,
    });
    try {
      expect(store.label).toBe(`s3://${BUCKET} (the bucket alone: delta segments, read-only)`);
      expect(store.readOnlyLog).toBe(true);
      expect(store.checkpoints).toBeUndefined();
      expect(store.trail).toBeUndefined();
      expect(await store.changeLog.head(POOL, 'group:aws')).toMatchObject({ entity: 'group:aws' });
    } finally {
      store.close();
    }
  });

  it("signs for a loopback S3 with s3rver's keys unless the environment has keys of its own", async () => {
    const config = storeConfigFromFlags({ bucket: BUCKET, s3Endpoint: s3rver.endpoint });
    const own = openStore(config, { env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' } });
    try {
      // The SDK's chain signs instead (and, in this process, finds nothing): no keys are made up.
      await expect(own.blobs.exists('anything')).rejects.toThrow(
        /CredentialsProviderError|AWS Access Key Id/,
      );
    } finally {
      own.close();
    }
  });

  it('names a table that does not exist before anything is read (openReadyStore)', async () => {
    const config = storeConfigFromFlags({}, { ...lambdaEnv(), REWIND_TABLE: 'no-such-table' });
    await expect(openReadyStore(config, { cwd: work }, POOL)).rejects.toThrow(StoreNotInitializedError);
  });
});
