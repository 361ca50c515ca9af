import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ChangeRecord,
  type Clock,
  makeRecord,
  type Store,
  type StoreConfig as StoreChoice,
  segmentTime,
} from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import { createChangeLogTable, createDynamoClients, createS3Client } from '@cognito-rewind/core/adapters/aws';
import {
  createBucket,
  type Dynalite,
  S3RVER_CREDENTIALS,
  type S3rver,
  startDynalite,
  startS3rver,
} from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The CLI on a laptop whose clock is 10 minutes behind, writing to the AWS store the Lambda handlers
 * write to. dynalite and s3rver run here, so their Date headers carry the true time.
 */
const POOL = 'us-east-1_Laptop';
const MINUTE = 60_000;
const behind: Clock = { now: () => new Date(Date.now() - 10 * MINUTE) };

let dynalite: Dynalite;
let s3rver: S3rver;
let work: string;
const BUCKET = 'rewind-open-store';
const TABLE = 'rewind-open-store';

beforeAll(async () => {
  [dynalite, s3rver] = await Promise.all([startDynalite(), startS3rver()]);
  work = await mkdtemp(join(tmpdir(), 'rewind-open-store-'));
  const { client } = createDynamoClients({ endpoint: dynalite.endpoint });
  const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
  try {
    await createChangeLogTable(client, TABLE);
    await createBucket(s3, BUCKET);
  } finally {
    client.destroy();
    s3.destroy();
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([dynalite?.stop(), s3rver?.stop()]);
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const record = (name: string): ChangeRecord => {
  const at = new Date(Date.now() - MINUTE).toISOString();
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

async function open(choice: StoreChoice): Promise<Store> {
  return openReadyStore(choice, { mustExist: false, cwd: work, env: {}, clock: behind }, POOL);
}

const aws = (table?: string): StoreChoice => ({
  kind: 'aws',
  bucket: BUCKET,
  ...(table === undefined ? {} : { table }),
  s3Endpoint: s3rver.endpoint,
  dynamodbEndpoint: dynalite.endpoint,
});

/** How far a time is from the true one, in ms. */
const off = (ms: number) => Math.abs(ms - Date.now());

describe('openStore on a machine whose clock is 10 minutes behind', () => {
  it("the AWS store dates by the services' time: its clock, and the segments it archives", async () => {
    const store = await open(aws(TABLE));
    try {
      expect(off(store.clock.now().getTime())).toBeLessThan(5_000);
      const key = await store.archive(POOL, [record('table')]);
      expect(off(segmentTime(key ?? '') ?? 0)).toBeLessThan(5_000);
    } finally {
      store.close();
    }
  });

  it("the bucket alone dates by S3's time once S3 has answered", async () => {
    const store = await open(aws());
    try {
      await store.blobs.exists('anything');
      expect(off(store.clock.now().getTime())).toBeLessThan(5_000);
      const key = await store.archive(POOL, [record('bucket')]);
      expect(off(segmentTime(key ?? '') ?? 0)).toBeLessThan(5_000);
    } finally {
      store.close();
    }
  });

  it("a directory store has only this machine's clock, and dates by it", async () => {
    const store = await open({ kind: 'directory', dir: 'store' });
    try {
      expect(off(store.clock.now().getTime())).toBeGreaterThan(9 * MINUTE);
      const key = await store.archive(POOL, [record('directory')]);
      expect(off(segmentTime(key ?? '') ?? 0)).toBeGreaterThan(9 * MINUTE);
    } finally {
      store.close();
    }
  });
});
