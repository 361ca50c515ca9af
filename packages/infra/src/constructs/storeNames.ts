import { Aws, Fn, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import type { StoreRefs } from './storeRefs.js';

/**
 * The store's physical names, made from the configuration alone: `<name>-<account>-<region>` for the
 * bucket (bucket names are global), `<name>-change-log` for the table. The functions' stack finds the
 * store by these names, not by CloudFormation exports, so either stack can be updated or replaced
 * without the other blocking it (an export in use cannot change), and the names never depend on a
 * deploy-time token a restore would have to look up.
 */
export function storeNames(config: Pick<RewindConfig, 'name' | 'account' | 'region'>): {
  bucketName: string;
  tableName: string;
} {
  return {
    bucketName: Fn.join('-', [
      config.name.toLowerCase().slice(0, 30),
      config.account ?? Aws.ACCOUNT_ID,
      config.region,
    ]),
    tableName: `${config.name}-change-log`,
  };
}

/** The store, as another stack of the same deployment refers to it (by name). */
export function storeByName(scope: Construct, config: RewindConfig): StoreRefs {
  const { bucketName, tableName } = storeNames(config);
  const stack = Stack.of(scope);
  return {
    bucket: s3.Bucket.fromBucketName(scope, 'StoreBucket', bucketName),
    table: dynamodb.TableV2.fromTableArn(
      scope,
      'StoreTable',
      stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName }),
    ),
    key: config.kmsKeyArn === undefined ? undefined : kms.Key.fromKeyArn(scope, 'StoreKey', config.kmsKeyArn),
  };
}
