import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * The store as the functions and the restore role see it: the bucket, the table and the customer key
 * (none: AWS managed encryption). The store stack makes them; a team with its own can pass theirs.
 */
export interface StoreRefs {
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITableV2;
  readonly key?: kms.IKey | undefined;
}
