import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { readPoolState, SegmentChangeLog, verifyChain, writableView } from '@cognito-rewind/core';
import {
  AwsCognitoReader,
  createCognitoClient,
  createDynamoClients,
  createS3Client,
  DynamoSnapshotCatalog,
  S3BlobStore,
} from '@cognito-rewind/core/adapters/aws';
import { S3RVER_CREDENTIALS, startCognitoLocal, startDynalite, startS3rver } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exec } from '../src/cli.js';
import { createDemoPool, mutateDemoPool } from '../src/demo/demoPool.js';
import { RecordingIoHost } from '../src/io/ioHost.js';

let work: string;
let local: Awaited<ReturnType<typeof startCognitoLocal>>;
let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let cognito: CognitoIdentityProviderClient;
let poolId: string;
let firstAt: string;
let secondAt: string;
let aws: string[];

const BUCKET = 'rewind-e2e';
const TABLE = 'rewind-e2e-changes';

async function run(...args: string[]) {
  const io = new RecordingIoHost();
  // No AWS credentials from the developer's shell: the local servers get their placeholders.
  const code = await exec(args, io, { cwd: work, env: {} });
  return { code, out: io.output, err: io.errors };
}

const stateJson = async (...store: string[]) => {
  const result = await run('state', '--pool', poolId, ...store, '--at', secondAt);
  // Only the bucket alone has something to say: that it is its own root of trust; and, once the
  // verify test has damaged this store on purpose, that verify found it damaged.
  const said = result.err
    .replace(/^note: the bucket alone is the root of trust.*\n?/m, '')
    .replace(/^warning: the store is damaged: the last verify .*\n?/m, '');
  expect(said).toBe('');
  expect(result.code).toBe(EXIT.ok);
  return JSON.parse(result.out);
};

/** The live pool's entity keys and documents. */
async function liveState(pool: string) {
  const reader = new AwsCognitoReader({ endpoint: local.endpoint, region: 'us-east-1', maxAttempts: 1 });
  try {
    return new Map((await readPoolState(reader, pool)).entities.map((e) => [e.key, e.doc] as const));
  } finally {
    reader.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-aws-'));
  [local, dynalite, s3rver] = await Promise.all([
    startCognitoLocal({ dataDir: join(work, 'cognito-local') }),
    startDynalite(),
    startS3rver(),
  ]);
  aws = [
    '--bucket',
    BUCKET,
    '--table',
    TABLE,
    '--s3-endpoint',
    s3rver.endpoint,
    '--dynamodb-endpoint',
    dynalite.endpoint,
  ];
  cognito = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1' });
  poolId = await createDemoPool(cognito);
}, 60_000);

afterAll(async () => {
  cognito?.destroy();
  await Promise.all([local?.stop(), dynalite?.stop(), s3rver?.stop()]);
  await rm(work, { recursive: true, force: true });
});

describe('the AWS store (DynamoDB change log + S3) on dynalite and s3rver', () => {
  it('refuses to work on a table that does not exist, naming store init', async () => {
    for (const args of [['backup', '--endpoint', local.endpoint], ['state', '--at', 'now'], ['verify']]) {
      const missing = await run(args[0] ?? '', '--pool', poolId, ...aws, ...args.slice(1));
      expect(missing.code).toBe(EXIT.badInput);
      expect(missing.err).toContain(`table ${TABLE} does not exist`);
      expect(missing.err).toContain('restore-cli store init');
    }
  });

  it('store init creates the table and the bucket, and is idempotent', async () => {
    const first = await run('store', 'init', ...aws);
    expect(first.err).not.toMatch(/error/);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toContain(`bucket ${BUCKET}: created`);
    expect(first.out).toContain(`table ${TABLE}: created`);
    const again = await run('store', 'init', ...aws);
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toContain(`bucket ${BUCKET}: exists`);
    expect(again.out).toContain(`table ${TABLE}: exists`);
    const otherBucket = ['--bucket', 'no-such-bucket', ...aws.slice(2)];
    const missing = await run('state', '--pool', poolId, ...otherBucket, '--at', 'now');
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.err).toContain('bucket no-such-bucket does not exist');
    expect(missing.err).toContain('restore-cli store init');
  });

  it('backs up, archives delta segments, and answers state(T) as the directory store does', async () => {
    const first = await run('backup', '--pool', poolId, ...aws, '--endpoint', local.endpoint);
    expect(first.code).toBe(EXIT.ok);
    firstAt = /at (\S+)/.exec(first.out)?.[1] ?? '';
    const early = await run('state', '--pool', poolId, ...aws, '--at', firstAt);
    expect(early.code).toBe(EXIT.ok);
    expect(Object.keys(JSON.parse(early.out).users)).toContain('bob');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await mutateDemoPool(cognito, poolId);
    const second = await run('backup', '--pool', poolId, ...aws, '--endpoint', local.endpoint);
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toMatch(
      /archived\s+\d+ record\(s\) to cognito-backup\/.+\/deltas\/\d{4}\/\d\d\/\d\d\/\d\d\//,
    );
    secondAt = /at (\S+)/.exec(second.out)?.[1] ?? '';
    const dir = join(work, 'dir-store');
    expect((await run('backup', '--pool', poolId, '--store', dir, '--endpoint', local.endpoint)).code).toBe(
      EXIT.ok,
    );

    const fromAws = await stateJson(...aws);
    const fromDir = JSON.parse((await run('state', '--pool', poolId, '--store', dir, '--at', 'now')).out);
    const { at: _a, ...awsBody } = fromAws;
    const { at: _b, ...dirBody } = fromDir;
    expect(awsBody).toEqual(dirBody);
    expect(Object.keys(fromAws.users)).toContain('alice');

    const listed = await run('snapshots', '--pool', poolId, ...aws);
    expect(listed.code).toBe(EXIT.ok);
    expect(listed.out.match(/scan/g)).toHaveLength(2);
    // The table's catalog answers "newest snapshot at or before T" with one Query.
    const { doc, client } = createDynamoClients({ endpoint: dynalite.endpoint });
    const catalog = new DynamoSnapshotCatalog(doc, { tableName: TABLE });
    expect((await catalog.newestAtOrBefore(poolId, secondAt))?.at).toBe(secondAt);
    expect((await catalog.newestAtOrBefore(poolId, firstAt))?.at).toBe(firstAt);
    client.destroy();
  });

  it('answers state(T) from the bucket alone, when the table is gone', async () => {
    const fromAws = await stateJson(...aws);
    const bucketOnly = ['--bucket', BUCKET, '--s3-endpoint', s3rver.endpoint];
    expect(await stateJson(...bucketOnly)).toEqual(fromAws);
    const early = await run('state', '--pool', poolId, ...bucketOnly, '--at', firstAt);
    expect(early.code).toBe(EXIT.ok);
    expect(Object.keys(JSON.parse(early.out).users)).toContain('bob');
    // Nothing outside the bucket vouches for it: said plainly, with what to do about it.
    expect(early.err).toMatch(/note: the bucket alone is the root of trust .* S3 Object Lock/);
    const verified = await run('verify', '--pool', poolId, ...bucketOnly);
    expect(verified.err).toMatch(/note: the bucket alone is the root of trust .* S3 Object Lock/);
  });

  it('restores from the AWS store, and archives the history it wrote', async () => {
    const restore = (...more: string[]) =>
      run('--pool', poolId, ...aws, '--at', firstAt, '--endpoint', local.endpoint, ...more);
    const planned = await restore('--dry-run');
    expect(planned.code).toBe(EXIT.ok);
    expect(planned.out).toMatch(/user:/);
    const applied = await restore('--yes', '--report', work);
    expect(applied.code).toBe(EXIT.ok);
    expect(applied.out).toMatch(/restore history archived to cognito-backup\/.+\/deltas\//);
    const again = await restore('--dry-run');
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toMatch(/nothing to do/i);
  });

  it('restores from the bucket alone (a DR region) to the end, and keeps its history in the bucket', async () => {
    const bucketOnly = ['--bucket', BUCKET, '--s3-endpoint', s3rver.endpoint];
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'dr',
        Schema: ['tenant', 'plan'].map((Name) => ({ Name, AttributeDataType: 'String', Mutable: true })),
      }),
    );
    const drPool = created.UserPool?.Id ?? '';
    const restore = (...more: string[]) =>
      run('--pool', poolId, '--target-pool', drPool, ...bucketOnly, '--at', secondAt, '--exact', ...more);
    const reports = join(work, 'dr-reports');
    const applied = await restore('--endpoint', local.endpoint, '--yes', '--report', reports);
    expect(applied.err).toBe('');
    expect(applied.code).toBe(EXIT.ok);
    // Every wave ran to the end: groups and users, then the clients.
    const [file] = (await readdir(reports)).filter((f) => f.startsWith('restore-report-'));
    const report = JSON.parse(await readFile(join(reports, file ?? ''), 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.totals.failed + report.totals.skipped).toBe(0);
    expect(Object.keys(report.counts)).toEqual(
      expect.arrayContaining(['createGroup', 'createUser', 'createClient']),
    );
    const live = await liveState(drPool);
    const atT = (await stateJson(...bucketOnly)) as {
      users: Record<string, unknown>;
      groups: Record<string, unknown>;
    };
    expect(
      Object.keys(atT.users)
        .map((u) => `user:${u}`)
        .filter((k) => !live.has(k)),
    ).toEqual([]);
    expect(
      Object.keys(atT.groups)
        .map((g) => `group:${g}`)
        .filter((k) => !live.has(k)),
    ).toEqual([]);
    expect([...live.keys()].filter((k) => k.startsWith('client:'))).toHaveLength(2);
    expect(applied.out).toMatch(new RegExp(`restore history archived to cognito-backup/${drPool}/deltas/`));

    // The history is read back from the bucket: a restore record for every entity changed, chained.
    const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
    const segments = new SegmentChangeLog(new S3BlobStore(s3, { bucket: BUCKET }));
    const records = [];
    for await (const record of segments.timeline(drPool)) records.push(record);
    s3.destroy();
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => r.entity)).toEqual(expect.arrayContaining(['user:alice', 'group:admins']));
    // The log knew nothing of the DR pool: what the restore found there is each chain's baseline.
    for (const entity of new Set(records.map((r) => r.entity))) {
      const chain = records.filter((r) => r.entity === entity).sort((a, b) => a.version - b.version);
      expect(verifyChain(chain), entity).toEqual([]);
      expect(chain.at(-1)?.source, entity).toBe('restore');
      // Writable views: cognito-local dates a group by its last membership change, after its record.
      expect(writableView(entity, chain.at(-1)?.after), entity).toEqual(
        writableView(entity, live.get(entity)),
      );
    }

    const again = await restore('--endpoint', local.endpoint, '--dry-run');
    expect(again.code).toBe(EXIT.ok);
    expect(again.err).toMatch(/nothing to do/);
  });

  it('verify passes an intact store, then names a record edited in DynamoDB and a byte changed in S3', async () => {
    const clean = await run('verify', '--pool', poolId, ...aws);
    expect(clean.out).toContain('everything checks out');
    expect(clean.out).toMatch(/snapshots\s+2 /);
    expect(clean.out).toMatch(/segments\s+\d+, [1-9]\d* records against the log/);
    expect(clean.code).toBe(EXIT.ok);

    const { doc, client } = createDynamoClients({ endpoint: dynalite.endpoint });
    const key = { pk: `R#${poolId}#user:alice`, sk: 'V#0000000001' };
    const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: key }))).Item;
    expect(item).toBeDefined();
    const record = JSON.parse(String(item?.record));
    record.after.attributes.email = 'mallory@example.com';
    await doc.send(new PutCommand({ TableName: TABLE, Item: { ...item, record: JSON.stringify(record) } }));
    client.destroy();

    const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
    const objects = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `cognito-backup/${poolId}/snapshots/` }),
    );
    const snapshot = objects.Contents?.map((o) => o.Key ?? '').find((k) => k.endsWith('.ndjson.gz')) ?? '';
    const bytes = await (
      await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: snapshot }))
    ).Body?.transformToByteArray();
    if (bytes === undefined) throw new Error('no snapshot bytes');
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    // Behind the adapter's back (s3rver lets a key be overwritten; the adapter never does).
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: snapshot, Body: bytes }));
    s3.destroy();

    const broken = await run('verify', '--pool', poolId, ...aws);
    expect(broken.code).toBe(EXIT.failed);
    expect(broken.out).toMatch(/user:alice version 1: hash does not match the record body/);
    expect(broken.out).toContain(`${snapshot}:`);
    expect(broken.out).toMatch(/sha256/);
    const json = await run('verify', '--pool', poolId, ...aws, '--json');
    expect(JSON.parse(json.out).problems.length).toBeGreaterThanOrEqual(2);
  });

  it('answers state(T) from the table alone, with no delta segment in the bucket', async () => {
    const before = await stateJson(...aws);
    const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
    const deltas = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `cognito-backup/${poolId}/deltas/` }),
    );
    expect(deltas.Contents?.length).toBeGreaterThan(0);
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: (deltas.Contents ?? []).map(({ Key }) => ({ Key })) },
      }),
    );
    s3.destroy();
    expect(await stateJson(...aws)).toEqual(before);
  });
});
