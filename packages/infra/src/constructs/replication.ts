import { Aws, Duration, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import { backupKeyPrefix } from './backupBucket.js';

/**
 * The DR replica's name, known to both regions before either stack exists: the primary's replication
 * rule names it, the DR stack creates it. `<name>-<account>-<drRegion>-dr`, lower case, ≤ 63.
 */
export function replicaBucketName(config: Pick<RewindConfig, 'name' | 'account'>, drRegion: string): string {
  return Fn.join('-', [
    config.name.toLowerCase().slice(0, 20),
    config.account ?? Aws.ACCOUNT_ID,
    drRegion,
    'dr',
  ]);
}

/**
 * The replication role's name. IAM names are global to the account, so it carries the region: a
 * deployment per region (or a second one in a test account) never collides. ≤ 64 characters.
 */
export function replicationRoleName(config: Pick<RewindConfig, 'name' | 'region'>): string {
  return `${config.name.slice(0, 30)}-replication-${config.region}`;
}

export interface ReplicationSetup {
  readonly role: iam.Role;
  readonly rules: s3.ReplicationRule[];
  /** The replica, as the primary stack sees it (by name). */
  readonly destination: s3.IBucket;
}

/**
 * The role and the rule that copy the backup prefix to the DR region's bucket. The role is written
 * out, not left to the CDK's default, so that it is least privilege and complete: what S3 needs to
 * read versions for replication, the two permissions Object Lock replication needs
 * (`s3:GetObjectRetention`, `s3:GetObjectLegalHold`), and the keys on both sides. Delete markers are
 * not replicated: a delete in the primary (an attacker's or a lifecycle's) leaves the copy whole.
 */
export function replicationSetup(
  scope: Construct,
  config: RewindConfig,
  drRegion: string,
  sourceKey: kms.IKey | undefined,
): ReplicationSetup {
  const destination = s3.Bucket.fromBucketAttributes(scope, 'ReplicaBucket', {
    bucketName: replicaBucketName(config, drRegion),
    region: drRegion,
  });
  const destinationKey =
    config.drKmsKeyArn === undefined
      ? undefined
      : kms.Key.fromKeyArn(scope, 'ReplicaKey', config.drKmsKeyArn);
  const role = new iam.Role(scope, 'ReplicationRole', {
    roleName: replicationRoleName(config),
    assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
    description: 'Replicates the Cognito Rewind backup prefix to the DR region',
  });
  return {
    role,
    destination,
    rules: [
      {
        id: 'backup-to-dr',
        priority: 1,
        filter: { prefix: backupKeyPrefix(config) },
        destination,
        deleteMarkerReplication: false,
        metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
        ...(sourceKey === undefined ? {} : { sseKmsEncryptedObjects: true }),
        ...(destinationKey === undefined ? {} : { kmsKey: destinationKey }),
      },
    ],
  };
}

/** The replication role's own permissions, once the source bucket exists. */
export function grantReplication(
  role: iam.Role,
  source: s3.IBucket,
  destination: s3.IBucket,
  config: RewindConfig,
  sourceKey: kms.IKey | undefined,
): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [source.bucketArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionTagging',
        ...(config.objectLock === undefined ? [] : ['s3:GetObjectRetention', 's3:GetObjectLegalHold']),
      ],
      resources: [source.arnForObjects(`${backupKeyPrefix(config)}*`)],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [destination.arnForObjects(`${backupKeyPrefix(config)}*`)],
    }),
  );
  if (sourceKey !== undefined)
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [sourceKey.keyArn],
        conditions: { StringLike: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
      }),
    );
  if (config.drKmsKeyArn !== undefined && config.drRegion !== undefined)
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [config.drKmsKeyArn],
        conditions: { StringLike: { 'kms:ViaService': `s3.${config.drRegion}.amazonaws.com` } },
      }),
    );
}

/** How long replication may lag before the alarm (used by monitoring). */
export const replicationLagThreshold = (config: RewindConfig): Duration =>
  Duration.minutes(config.alarms.replicationLagMinutes);
