import { COGNITO_UNSCOPED_ACTIONS, type ServicePermissions } from '@cognito-rewind/core/adapters/aws';
import { Aws, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RewindConfig } from '../config/rewindConfig.js';
import { backupKeyPrefix } from './backupBucket.js';
import type { StoreRefs } from './storeRefs.js';

/**
 * IAM actions by service, as the handlers (`FUNCTION_PERMISSIONS`) and core (`RESTORE_PERMISSIONS`)
 * declare them — lists their tests prove against what the code really sends. Here they only get
 * their resources: Cognito actions on the configured pools, DynamoDB on the table and its indexes,
 * S3 on the backup prefix (and `s3:ListBucket` on the bucket, limited to that prefix), EventBridge
 * on the account's default bus.
 */
export type ServiceActions = ServicePermissions;

/** The ARNs of the configured pools. */
export function poolArns(scope: Stack, config: Pick<RewindConfig, 'pools'>): string[] {
  return config.pools.map((pool) =>
    scope.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: pool }),
  );
}

/** Actions that name a bucket, not an object (S3's "Actions, resources, and condition keys"). */
const BUCKET_LEVEL = new Set(['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation']);

/**
 * Statements granting `actions` on the store and on `pools` (default: the configured pools' ARNs);
 * none has a `*` action.
 */
export function storeStatements(
  scope: Stack,
  config: RewindConfig,
  store: StoreRefs,
  actions: ServiceActions,
  pools: readonly string[] = poolArns(scope, config),
): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const sorted = (list: readonly string[]) => [...new Set(list)].sort();
  const unscoped: readonly string[] = COGNITO_UNSCOPED_ACTIONS;
  const scopedCognito = actions.cognito.filter((action) => !unscoped.includes(action));
  const unscopedCognito = actions.cognito.filter((action) => unscoped.includes(action));
  if (scopedCognito.length > 0)
    statements.push(new iam.PolicyStatement({ actions: sorted(scopedCognito), resources: [...pools] }));
  // DescribeUserPoolDomain names a domain, not a pool: IAM authorizes it on no narrower resource.
  if (unscopedCognito.length > 0)
    statements.push(new iam.PolicyStatement({ actions: sorted(unscopedCognito), resources: ['*'] }));
  if (actions.dynamodb.length > 0)
    statements.push(
      new iam.PolicyStatement({
        actions: sorted(actions.dynamodb),
        resources: [store.table.tableArn, `${store.table.tableArn}/index/*`],
      }),
    );
  const prefix = backupKeyPrefix(config);
  const objectActions = actions.s3.filter((action) => !BUCKET_LEVEL.has(action));
  const bucketActions = actions.s3.filter((action) => BUCKET_LEVEL.has(action));
  if (objectActions.length > 0)
    statements.push(
      new iam.PolicyStatement({
        actions: sorted(objectActions),
        resources: [store.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
  if (bucketActions.length > 0)
    statements.push(
      new iam.PolicyStatement({
        actions: sorted(bucketActions),
        // No s3:prefix condition: S3 checks ListBucket for a HEAD or GET of a missing key too (to
        // answer 404, not 403), and such a request carries no prefix. Every create-only put HEADs first.
        resources: [store.bucket.bucketArn],
      }),
    );
  if (actions.events !== undefined && actions.events.length > 0)
    statements.push(
      new iam.PolicyStatement({
        actions: sorted(actions.events),
        resources: [scope.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }),
    );
  if (store.key !== undefined && actions.kms.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        actions: sorted(actions.kms),
        resources: [store.key.keyArn],
        // The key is used for the store only, through S3 and DynamoDB in this region.
        conditions: {
          StringEquals: {
            'kms:ViaService': [`s3.${Aws.REGION}.amazonaws.com`, `dynamodb.${Aws.REGION}.amazonaws.com`],
          },
        },
      }),
    );
  }
  return statements;
}
