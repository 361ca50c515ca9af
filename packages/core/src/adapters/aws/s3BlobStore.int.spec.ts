import { access } from 'node:fs/promises';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  createBucket,
  deleteBucket,
  S3RVER_CREDENTIALS,
  type S3rver,
  startS3rver,
} from '@cognito-rewind/emulators';
import { blobStoreContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAllBytes, toArray } from '../../asyncIterables.js';
import {
  BlobExistsError,
  BlobNotFoundError,
  BucketNotFoundError,
  LocalServiceStartError,
} from '../../errors.js';
import { S3BlobStore } from './s3BlobStore.js';
import { createS3Client } from './s3Client.js';

let server: S3rver;
let admin: S3Client;
let buckets = 0;

const newClient = () => createS3Client({ endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });

/** A fresh bucket per test, so no test sees another's keys. */
async function newBucket(): Promise<string> {
  buckets += 1;
  const bucket = `blobs-${process.pid}-${buckets}`;
  await createBucket(admin, bucket);
  return bucket;
}

beforeAll(async () => {
  server = await startS3rver();
  admin = newClient();
});

afterAll(async () => {
  admin?.destroy();
  await server?.stop();
});

blobStoreContract('S3BlobStore on s3rver', async () => {
  const bucket = await newBucket();
  return {
    store: new S3BlobStore(admin, { bucket }),
    // s3rver ignores If-None-Match, so the adapter can only HEAD before it writes and racing puts may all
    // win. On S3, which honours If-None-Match on PutObject and CompleteMultipartUpload, this is true.
    exclusiveCreate: false,
    cleanup: () => deleteBucket(admin, bucket),
  };
});

const text = (value: string) => new TextEncoder().encode(value);
const decoded = async (chunks: AsyncIterable<Uint8Array>) =>
  new TextDecoder().decode(await readAllBytes(chunks));

async function* streamOf(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

interface Sent {
  command: string;
  headers: Record<string, string>;
}

/**
 * Records each request as it goes on the wire (signed), and lets a test answer one in place of the
 * server: a spy, and a fault injector for what s3rver never says (412 for If-None-Match). It sits just
 * above the HTTP handler, below the SDK's deserializer, so an injected answer becomes the very error the
 * SDK builds from S3's XML.
 */
function observe(client: S3Client) {
  const sent: Sent[] = [];
  const answers: { command: string; status: number; code: string }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const request = args.request as { headers: Record<string, string> };
      sent.push({ command, headers: { ...request.headers } });
      const index = answers.findIndex((answer) => answer.command === command);
      const answer = answers.splice(index, index === -1 ? 0 : 1)[0];
      if (answer === undefined) return next(args);
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>injected</Message></Error>`;
      const response = {
        statusCode: answer.status,
        headers: { 'content-type': 'application/xml' },
        body: text(body),
      };
      return { response, output: undefined as never };
    },
    { step: 'deserialize', priority: 'low', name: 'observeRequests' },
  );
  return {
    sent,
    /** The next request of `command` gets this error answer instead of reaching s3rver. */
    answer: (command: string, status: number, code: string) => answers.push({ command, status, code }),
  };
}

describe('S3BlobStore on s3rver', () => {
  let bucket: string;
  let client: S3Client;
  beforeEach(async () => {
    bucket = await newBucket();
    client = newClient();
  });
  afterEach(async () => {
    client.destroy();
    await deleteBucket(admin, bucket);
  });

  const rawKeys = async () =>
    ((await admin.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);

  it('stores keys under the prefix and lists them without it, blind to neighbouring prefixes', async () => {
    for (const key of ['tenant-ab/x', 'tenant-a', 'other/tenant-a/y'])
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text('neighbour') }));
    const store = new S3BlobStore(client, { bucket, prefix: 'tenant-a' });
    await store.put('snap/1', text('one'));
    await store.put('snap/😀 x', streamOf(text('two')));
    expect(await rawKeys()).toEqual([
      'other/tenant-a/y',
      'tenant-a',
      'tenant-a/snap/1',
      'tenant-a/snap/😀 x',
      'tenant-ab/x',
    ]);
    const listing = [
      { key: 'snap/1', bytes: 3 },
      { key: 'snap/😀 x', bytes: 3 },
    ];
    expect(await toArray(store.list(''))).toEqual(listing);
    expect(await toArray(store.list('snap/'))).toEqual(listing);
    expect(await decoded(await store.get('snap/😀 x'))).toBe('two');
    expect(await store.exists('b/x')).toBe(false);
    await expect(store.get('b/x')).rejects.toBeInstanceOf(BlobNotFoundError);
    // A trailing slash on the prefix changes nothing.
    const same = new S3BlobStore(client, { bucket, prefix: 'tenant-a/' });
    await expect(same.put('snap/1', text('again'))).rejects.toBeInstanceOf(BlobExistsError);
    expect(await toArray(same.list(''))).toEqual(listing);
  });

  const sixMiB = () =>
    streamOf(new Uint8Array(3 * 1024 * 1024).fill(1), new Uint8Array(3 * 1024 * 1024).fill(2));

  it("sends no encryption header without a key (the bucket's default applies), and If-None-Match on every put, single and multipart", async () => {
    const { sent } = observe(client);
    const store = new S3BlobStore(client, { bucket });
    await store.put('bytes', text('b'));
    await store.put('small-stream', streamOf(text('s')));
    await store.put('multipart', sixMiB());
    const writes = sent.filter((s) => s.command !== 'HeadObjectCommand' && s.command !== 'UploadPartCommand');
    expect(writes.map((s) => s.command)).toEqual([
      'PutObjectCommand',
      'PutObjectCommand',
      'CreateMultipartUploadCommand',
      'CompleteMultipartUploadCommand',
    ]);
    for (const write of writes.filter((s) => s.command !== 'CompleteMultipartUploadCommand')) {
      // A header here would override a bucket whose default is SSE-KMS with its own key.
      expect(write.headers['x-amz-server-side-encryption']).toBeUndefined();
      expect(write.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
    }
    for (const write of writes.filter((s) => s.command !== 'CreateMultipartUploadCommand'))
      expect(write.headers['if-none-match']).toBe('*');
    expect(sent.filter((s) => s.command === 'UploadPartCommand')).toHaveLength(2);
    expect((await readAllBytes(await store.get('multipart'))).byteLength).toBe(6 * 1024 * 1024);
  });

  it('asks for SSE-KMS with the configured key on every put, single and multipart', async () => {
    const { sent } = observe(client);
    const kmsKeyId = 'arn:aws:kms:eu-west-1:111122223333:key/backup';
    const store = new S3BlobStore(client, { bucket, sse: { kmsKeyId } });
    await store.put('bytes', text('b'));
    await store.put('multipart', sixMiB());
    const writes = sent.filter(
      (s) => s.command === 'PutObjectCommand' || s.command === 'CreateMultipartUploadCommand',
    );
    expect(writes.map((s) => s.command)).toEqual(['PutObjectCommand', 'CreateMultipartUploadCommand']);
    for (const write of writes) {
      expect(write.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(write.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(kmsKeyId);
    }
    expect(await decoded(await store.get('bytes'))).toBe('b');
  });

  it('aborts the multipart upload when the body fails midway, and reports the error of the body', async () => {
    const { sent } = observe(client);
    const store = new S3BlobStore(client, { bucket });
    async function* failing(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 11; i++) yield new Uint8Array(1024 * 1024).fill(i);
      throw new Error('disk gone');
    }
    // s3rver answers the abort with 405 MethodNotAllowed (it has no AbortMultipartUpload); the caller
    // still sees its own error, and nothing is visible.
    await expect(store.put('half', failing())).rejects.toThrow('disk gone');
    const commands = sent.map((s) => s.command).filter((c) => c !== 'HeadObjectCommand');
    expect(commands).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'AbortMultipartUploadCommand',
    ]);
    expect(await rawKeys()).toEqual([]);
  });

  it.each([
    ['PutObjectCommand', 412, 'PreconditionFailed', () => text('lost')],
    ['CompleteMultipartUploadCommand', 412, 'PreconditionFailed', sixMiB],
    ['CompleteMultipartUploadCommand', 409, 'ConditionalRequestConflict', sixMiB],
  ] as const)(
    'reports S3 refusing If-None-Match on %s (%i %s) as BlobExistsError',
    async (command, status, code, body) => {
      // What S3 answers when another writer took the key between the HEAD and the write.
      const { answer } = observe(client);
      answer(command, status, code);
      const store = new S3BlobStore(client, { bucket });
      await expect(store.put('contested', body())).rejects.toBeInstanceOf(BlobExistsError);
      expect(await rawKeys()).toEqual([]);
    },
  );

  it('names a missing bucket with the command that creates it, and bucket and key in other errors', async () => {
    const missing = new S3BlobStore(client, { bucket: 'no-such-bucket', prefix: 'tenant-a' });
    const calls = [
      () => missing.put('some/key', text('x')),
      () => missing.get('some/key'),
      () => toArray(missing.list('p/')),
    ];
    for (const call of calls) {
      const failing = call();
      await expect(failing).rejects.toBeInstanceOf(BucketNotFoundError);
      await expect(failing).rejects.toThrow(/bucket no-such-bucket does not exist: .*restore-cli store init/);
    }

    const { answer } = observe(client);
    answer('HeadObjectCommand', 403, 'AccessDenied');
    const store = new S3BlobStore(client, { bucket });
    await expect(store.exists('k')).rejects.toThrow(`head of s3://${bucket}/k failed: `);
    answer('GetObjectCommand', 403, 'AccessDenied');
    await expect(store.get('k')).rejects.toThrow(
      `get of s3://${bucket}/k failed: AccessDenied injected (HTTP 403)`,
    );
  });
});

describe('startS3rver', () => {
  it('serves on loopback, lists in S3 order only thanks to its fix, and removes its directory', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const raw = await startS3rver({ s3KeyOrder: false });
    const client = createS3Client({ endpoint: raw.endpoint, credentials: S3RVER_CREDENTIALS });
    try {
      await createBucket(client, 'order');
      const store = new S3BlobStore(client, { bucket: 'order' });
      const keys = ['a', 'a-b', 'a.x', 'a/b', 'b', 'b-c', 'b.y', 'b/c'];
      for (const key of keys) await store.put(key, text(key));
      // s3rver walks its folders in readdir order, and the file behind key `a` is `a._S3rver_object`:
      // sorted by name it comes after `a-b._S3rver_object`; in hash order anything goes (1 in 8! right).
      const listed = (await toArray(store.list(''))).map((b) => b.key);
      expect([...listed].sort()).toEqual(keys);
      expect(listed).not.toEqual(keys);
    } finally {
      client.destroy();
      await raw.stop();
    }
    await expect(access(raw.directory)).rejects.toThrow('ENOENT');
  });

  it('fails with LocalServiceStartError when s3rver does not come up in time', async () => {
    await expect(startS3rver({ startTimeoutMs: 1 })).rejects.toBeInstanceOf(LocalServiceStartError);
  });
});
