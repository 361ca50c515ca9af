import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startChildServer } from './childServer.js';
import { serverDirectory } from './serverDirectory.js';

export interface S3rverOptions {
  /** Where s3rver keeps its buckets. @default a new temp dir, removed on stop */
  readonly directory?: string;
  /**
   * List keys in UTF-8 byte order, as S3 does. s3rver itself lists in the order the filesystem's
   * `readdir` returns (hash order on ext4) and pages by comparing keys with JavaScript's `<`, so a
   * listing of more than one page loses and repeats keys. Turn off only to watch it do so.
   * @default true
   */
  readonly s3KeyOrder?: boolean;
  /** How long to wait for the "listening" line (ms). @default 20000 */
  readonly startTimeoutMs?: number;
  /**
   * Keep the server out of the caller's process group, so a terminal's Ctrl-C reaches only the
   * caller, which stops the server itself (see `ChildServerOptions.ownProcessGroup`). @default false
   */
  readonly ownProcessGroup?: boolean;
}

export interface S3rver {
  readonly endpoint: string;
  readonly directory: string;
  /** Stops the server and waits for it to exit; a temp dir it made is removed, a given one kept. */
  stop(): Promise<void>;
}

/** The only credentials s3rver accepts (one definition, with the other loopback keys, in core). */
export { S3RVER_CREDENTIALS } from '@cognito-rewind/core/adapters/aws';

const READY = /^S3RVER_READY (\d+)$/m;

/**
 * Runs in the child (CommonJS, `node -e`): argv is s3rver's main module, the data directory and
 * whether to fix the listing order. Binding 127.0.0.1 port 0 and printing the port it got is all the
 * s3rver bin does too, but the bin cannot patch the store.
 *
 * The patch lists every key under the prefix through s3rver's own walk (sizes and metadata included),
 * then sorts by bytes, applies StartAfter / the continuation token by bytes and cuts the page. Listings
 * with a delimiter keep s3rver's common prefixes unpaged; nothing here lists with one.
 */
const RUNNER = `
const [main, directory, ordered] = process.argv.slice(1);
const S3rver = require(main);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
if (ordered === '1') {
  const store = server.store;
  const listAll = store.listObjects.bind(store);
  const byBytes = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  store.listObjects = async (bucket, options) => {
    const { startAfter = '', maxKeys = Infinity } = options;
    const all = await listAll(bucket, { ...options, startAfter: '', maxKeys: Infinity });
    const after = all.objects.filter((o) => byBytes(o.key, startAfter) > 0).sort((a, b) => byBytes(a.key, b.key));
    return {
      objects: after.slice(0, maxKeys),
      commonPrefixes: all.commonPrefixes.sort(byBytes),
      isTruncated: after.length > maxKeys,
    };
  };
}
server.run().then(
  ({ port }) => console.log('S3RVER_READY ' + port),
  (error) => { console.error(error); process.exit(1); },
);
`;

/**
 * Starts s3rver as a child process on a free loopback port and resolves once it listens. It runs with
 * `--openssl-legacy-provider` because its continuation tokens are DES-encrypted, which OpenSSL 3 only
 * offers through the legacy provider: without it every second page of a listing fails.
 */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rver> {
  const data = await serverDirectory(options.directory, 's3rver-');
  const directory = data.path;
  await mkdir(directory, { recursive: true });
  const main = createRequire(import.meta.url).resolve('s3rver');
  const ordered = options.s3KeyOrder === false ? '0' : '1';
  const server = await startChildServer({
    name: 's3rver',
    args: ['--openssl-legacy-provider', '-e', RUNNER, main, directory, ordered],
    ready: READY,
    readyLine: 'ready',
    timeoutMs: options.startTimeoutMs ?? 20_000,
    ownProcessGroup: options.ownProcessGroup,
    afterStop: data.removeIfTemporary,
  });
  return { endpoint: `http://127.0.0.1:${server.ready}`, directory, stop: server.stop };
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Deletes every object of the bucket, a page at a time, then the bucket itself. */
export async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    const objects = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
    if (objects.length > 0)
      await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      );
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
