import { BACKUP_ROOT } from '@cognito-rewind/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';

/** `<prefix>/cognito-backup/`: every key the store writes (the replicated part of the bucket). */
export const backupKeyPrefix = (config: Pick<RewindConfig, 'prefix'>): string =>
  `${config.prefix === undefined ? '' : `${config.prefix}/`}${BACKUP_ROOT}/`;

export interface BackupBucketProps {
  readonly config: RewindConfig;
  /** The customer managed key; without it, S3-managed keys (SSE-S3). */
  readonly key?: kms.IKey;
  /** A fixed name (the DR replica, which the primary's replication rule names before it exists). */
  readonly bucketName?: string;
  readonly replicationRole?: iam.IRole;
  readonly replicationRules?: s3.ReplicationRule[];
}

/**
 * A bucket that holds backups of personal data: versioned, encrypted, no public access, TLS only,
 * access-logged to its own log bucket, retained when its stack is deleted, Object Lock when asked
 * (S3 allows it only at creation), and a lifecycle per pool: snapshots and segments move to
 * Standard-IA and expire after their retention; large change records (referenced by the table)
 * never expire; old versions go after `noncurrentVersionsDays`.
 */
export class BackupBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    // Access logs delivered under a bucket policy, not an ACL: the log bucket then keeps ACLs off
    // (BUCKET_OWNER_ENFORCED). Set here, so a team's own CDK app gets it without the flag in cdk.json.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { config, key } = props;
    const { retention, objectLock } = config;
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // Server access logs can only be delivered to a bucket with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    const transition = (days: number) =>
      days > 0 && days < Math.min(retention.snapshotsDays, retention.segmentsDays)
        ? [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(days) }]
        : [];
    const root = backupKeyPrefix(config);
    const perPool = config.pools.flatMap((pool): s3.LifecycleRule[] => [
      {
        id: `snapshots-${pool}`,
        prefix: `${root}${pool}/snapshots/`,
        transitions: transition(retention.infrequentAccessAfterDays),
        expiration: Duration.days(retention.snapshotsDays),
      },
      {
        id: `segments-${pool}`,
        prefix: `${root}${pool}/deltas/`,
        transitions: transition(retention.infrequentAccessAfterDays),
        expiration: Duration.days(retention.segmentsDays),
      },
    ]);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...(props.bucketName === undefined ? {} : { bucketName: props.bucketName }),
      ...(key === undefined
        ? { encryption: s3.BucketEncryption.S3_MANAGED }
        : { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'backup/',
      ...(objectLock === undefined
        ? {}
        : {
            objectLockEnabled: true,
            objectLockDefaultRetention:
              objectLock.mode === 'COMPLIANCE'
                ? s3.ObjectLockRetention.compliance(Duration.days(objectLock.days))
                : s3.ObjectLockRetention.governance(Duration.days(objectLock.days)),
          }),
      lifecycleRules: [
        ...perPool,
        {
          id: 'noncurrent-versions-and-uploads',
          noncurrentVersionExpiration: Duration.days(retention.noncurrentVersionsDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
      ...(props.replicationRole === undefined ? {} : { replicationRole: props.replicationRole }),
      ...(props.replicationRules === undefined ? {} : { replicationRules: props.replicationRules }),
    });
  }
}
