import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface EnsureBucketResult {
  created: boolean;
  /** Settings a local server did not take (s3rver has no bucket encryption or public access block). */
  skipped: string[];
}

const status = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * The backup bucket, created if missing, with all public access blocked: backups hold personal data.
 * A bucket it creates gets default encryption (SSE-KMS with the key id, else SSE-S3); a bucket that
 * exists keeps the default its owner chose, which objects written without a key inherit (S3 applies
 * SSE-S3 at least to every new object; with a key, `S3BlobStore` names it on every put). Idempotent.
 */
export async function ensureBucket(
  client: S3Client,
  bucket: string,
  options: { kmsKeyId?: string; region?: string } = {},
): Promise<EnsureBucketResult> {
  let created = false;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (status(error) !== 404) throw error;
    const region = options.region ?? (await client.config.region());
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that refuses a location constraint naming itself.
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    );
    created = true;
  }
  const skipped: string[] = [];
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      const code = status(error);
      if (code !== 501 && code !== 405 && code !== 404) throw error;
      skipped.push(what);
    }
  };
  const rule = options.kmsKeyId
    ? { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: options.kmsKeyId }
    : { SSEAlgorithm: 'AES256' as const };
  if (created)
    await attempt('default encryption', () =>
      client.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: rule }] },
        }),
      ),
    );
  await attempt('public access block', () =>
    client.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    ),
  );
  return { created, skipped };
}
