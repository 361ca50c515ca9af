/**
 * The names of the deployed stack's CloudFormation outputs: what the CDK app (`packages/infra`)
 * exports and what `restore-cli --deployment <cdk outputs file>` reads back, so an operator names
 * only the pool and the time. One table, both sides: a renamed output fails the infra tests and the
 * CLI's, not an operator's restore.
 */
export const DEPLOYMENT_OUTPUTS = {
  /** The backup bucket (snapshots, delta segments, large records). */
  bucket: 'RewindBucketName',
  /** The change log table. */
  table: 'RewindTableName',
  /** The key prefix inside the bucket ('' when none). */
  prefix: 'RewindPrefix',
  /** The KMS key ARN objects and the table are encrypted with ('' when S3- and DynamoDB-managed). */
  kmsKeyArn: 'RewindKmsKeyArn',
  /** The region of the bucket and the table. */
  region: 'RewindRegion',
  /** The role an operator assumes to restore: Cognito writes on the configured pools, store reads. */
  restoreRoleArn: 'RewindRestoreRoleArn',
  /** The pools this deployment keeps, comma-separated. */
  poolIds: 'RewindPoolIds',
} as const;

export type DeploymentOutput = keyof typeof DEPLOYMENT_OUTPUTS;
