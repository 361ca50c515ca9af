import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BlobExistsError, BlobNotFoundError, BucketNotFoundError, RewindError } from '../../errors.js';
import type { BlobInfo, ByteSource } from '../../model/blob.js';
import type { BlobStore } from '../../ports.js';

export interface S3BlobStoreOptions {
  readonly bucket: string;
  /** Keys are stored as `<prefix>/<key>`, and listed without it. @default none: keys as given */
  readonly prefix?: string;
  /**
   * Server-side encryption of every put: SSE-KMS with this key when given. Without one no encryption
   * header is sent, so the bucket's default applies (SSE-KMS with its key, or S3's own SSE-S3, which
   * every bucket applies at least): a header would override a default the bucket's owner chose.
   */
  readonly sse?: { readonly kmsKeyId?: string };
}

/** An S3 call failed for a reason other than a missing or existing key; names bucket and key. */
export class S3BlobStoreError extends RewindError {
  constructor(
    readonly operation: string,
    readonly bucket: string,
    readonly key: string,
    options: { cause: unknown },
  ) {
    super(`S3 ${operation} of s3://${bucket}/${key} failed: ${describeError(options.cause)}`, options);
    this.name = 'S3BlobStoreError';
  }
}

/** S3's minimum part size; with QUEUE_SIZE parts in flight, memory stays flat in the object's size. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const sdkError = (error: unknown): SdkError =>
  typeof error === 'object' && error !== null ? (error as SdkError) : {};

function describeError(error: unknown): string {
  const { name, message, $metadata } = sdkError(error);
  const status = $metadata?.httpStatusCode;
  return [name, message || undefined, status !== undefined ? `(HTTP ${status})` : undefined]
    .filter((part) => part !== undefined)
    .join(' ');
}

/** Missing object. Not NoSuchBucket: a missing bucket is a misconfiguration, not a missing blob. */
const isMissing = (error: unknown): boolean => {
  const { name } = sdkError(error);
  return name === 'NoSuchKey' || name === 'NotFound';
};

/** The key was taken: `If-None-Match: *` failed (412), or lost a race with another write (409). */
const isTaken = (error: unknown): boolean => {
  const { name, $metadata } = sdkError(error);
  return (
    name === 'PreconditionFailed' ||
    name === 'ConditionalRequestConflict' ||
    $metadata?.httpStatusCode === 412
  );
};

/** Counts the body's bytes and remembers whether it, rather than S3, failed. */
class WatchedBody {
  bytes = 0;
  failure: { error: unknown } | undefined;

  constructor(private readonly source: AsyncIterable<Uint8Array>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of this.source) {
        this.bytes += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }
}

/**
 * A `BlobStore` in an S3 bucket. Writes are create-only: every put carries `If-None-Match: *`, which
 * S3 honours on PutObject and on CompleteMultipartUpload, so of two concurrent puts of one key exactly
 * one wins and the other gets 412 (or 409), reported as `BlobExistsError`. Emulators such as s3rver
 * ignore the header, so a put also refuses a key a HEAD finds first; there, two racing puts can still
 * both succeed (the last one's bytes stay). The HEAD also spares a whole upload to a taken key.
 *
 * Streamed bodies go up as a multipart upload of 5 MiB parts, at most two in flight; a body that fails
 * midway aborts the upload, so nothing becomes visible under the key.
 */
export class S3BlobStore implements BlobStore {
  private readonly bucket: string;
  /** `'<prefix>/'`, or `''` without a prefix. */
  private readonly keyPrefix: string;
  private readonly encryption: Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'>;

  constructor(
    private readonly client: S3Client,
    options: S3BlobStoreOptions,
  ) {
    this.bucket = options.bucket;
    const prefix = options.prefix?.replace(/\/+$/, '') ?? '';
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
    const kmsKeyId = options.sse?.kmsKeyId;
    this.encryption =
      kmsKeyId !== undefined ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : {};
  }

  async put(key: string, body: ByteSource, options: { contentType?: string } = {}): Promise<BlobInfo> {
    if (await this.exists(key)) throw new BlobExistsError(key);
    const params: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: this.objectKey(key),
      IfNoneMatch: '*',
      ContentType: options.contentType,
      ...this.encryption,
    };
    let watched: WatchedBody | undefined;
    try {
      if (body instanceof Uint8Array) {
        await this.client.send(new PutObjectCommand({ ...params, Body: body }));
        return { key, bytes: body.byteLength };
      }
      watched = new WatchedBody(body);
      await this.upload(params, watched);
      return { key, bytes: watched.bytes };
    } catch (error) {
      // The caller's own body failed: that is the error to see, whatever the abort then answered.
      if (watched?.failure !== undefined) throw watched.failure.error;
      if (isTaken(error)) throw new BlobExistsError(key);
      throw this.failed('put', key, error);
    }
  }

  /**
   * `Upload` hands every part and the CompleteMultipartUpload the same params, `IfNoneMatch` included,
   * and sends a single PutObject (with them too) when the body fits one part. On any failure it aborts
   * the multipart upload (`leavePartsOnError: false`); should the abort itself fail, parts stay
   * invisible until a lifecycle rule (AbortIncompleteMultipartUpload) removes them.
   */
  private async upload(params: PutObjectCommandInput, body: WatchedBody): Promise<void> {
    const stream = Readable.from(body, { objectMode: false });
    const upload = new Upload({
      client: this.client,
      params: { ...params, Body: stream },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } finally {
      // When S3 fails the upload, Upload stops reading; this closes the caller's body (its files…) too.
      stream.destroy();
    }
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    let body: unknown;
    try {
      ({ Body: body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      ));
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(key);
      throw this.failed('get', key, error);
    }
    if (body === undefined) return Readable.from([]);
    return this.reading(key, body as AsyncIterable<Uint8Array>);
  }

  /** The response body, with a failure midway (a dropped connection) naming bucket and key too. */
  private async *reading(key: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      yield* body;
    } catch (error) {
      throw this.failed('get', key, error);
    }
  }

  /**
   * HeadObject. Without s3:ListBucket permission S3 answers a missing key with 403, not 404: that
   * surfaces as an error naming bucket and key, never as a quiet `false`.
   */
  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw this.failed('head', key, error);
    }
  }

  /** S3 lists in UTF-8 byte order, a page of up to 1,000 keys at a time; every page is followed. */
  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.objectKey(prefix) },
    );
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          yield { key: object.Key.slice(this.keyPrefix.length), bytes: object.Size ?? 0 };
        }
      }
    } catch (error) {
      throw this.failed('list', `${prefix}*`, error);
    }
  }

  private objectKey(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  private failed(operation: string, key: string, cause: unknown): S3BlobStoreError | BucketNotFoundError {
    if (sdkError(cause).name === 'NoSuchBucket') return new BucketNotFoundError(this.bucket, { cause });
    return new S3BlobStoreError(operation, this.bucket, this.objectKey(key), { cause });
  }
}
