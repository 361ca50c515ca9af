import { Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import { BackupBucket } from '../constructs/backupBucket.js';
import { replicaBucketName } from '../constructs/replication.js';

export interface ReplicaStackProps extends StackProps {
  readonly config: RewindConfig;
  readonly drRegion: string;
}

/**
 * The DR region's copy: a bucket like the primary (versioned, encrypted, locked the same way when
 * Object Lock is on — S3 replicates locked objects only into a locked bucket), under the name the
 * primary's replication rule gives. Deployed first. In a regional outage `restore-cli` reads it as
 * the bucket alone (no table): see "Recovering in the DR region" in docs/deploying.md.
 */
export class ReplicaStack extends Stack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReplicaStackProps) {
    super(scope, id, props);
    const { config, drRegion } = props;
    const key =
      config.drKmsKeyArn === undefined ? undefined : kms.Key.fromKeyArn(this, 'Key', config.drKmsKeyArn);
    this.bucket = new BackupBucket(this, 'Replica', {
      config,
      ...(key === undefined ? {} : { key }),
      bucketName: replicaBucketName(config, drRegion),
    }).bucket;
  }
}
