import type { AwsStoreConfig } from '@cognito-rewind/core';
import {
  createChangeLogTable,
  type createS3Client,
  type DynamoClients,
  ensureBucket,
} from '@cognito-rewind/core/adapters/aws';

export interface InitStoreResult {
  bucketCreated: boolean;
  tableCreated: boolean;
  /** Bucket settings the S3 endpoint did not take (s3rver: encryption, public access block). */
  skipped: string[];
}

/**
 * The AWS store's bucket and table, each created only if missing, both encrypted with the store's KMS
 * key when one is given (`--kms-key-id`, REWIND_KMS_KEY_ID): the bucket's default and the table's
 * SSE. Without one, a bucket created gets SSE-S3 and the table DynamoDB's AWS managed key; a bucket
 * or table that exists keeps its encryption.
 */
export async function initAwsStore(
  clients: { s3: ReturnType<typeof createS3Client>; dynamo: DynamoClients['client'] },
  choice: AwsStoreConfig,
): Promise<InitStoreResult> {
  const key = choice.kmsKeyId === undefined ? {} : { kmsKeyId: choice.kmsKeyId };
  const bucket = await ensureBucket(clients.s3, choice.bucket, key);
  const tableCreated = await createChangeLogTable(clients.dynamo, choice.table, key);
  return { bucketCreated: bucket.created, tableCreated, skipped: bucket.skipped };
}
