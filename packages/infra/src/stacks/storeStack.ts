import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import { BackupBucket } from '../constructs/backupBucket.js';
import { changeLogTable } from '../constructs/changeLogTable.js';
import { grantReplication, replicationSetup } from '../constructs/replication.js';
import { storeNames } from '../constructs/storeNames.js';

export interface StoreStackProps extends StackProps {
  readonly config: RewindConfig;
}

/**
 * The stateful half: the bucket and the table (and, with a DR region, the replication of the bucket).
 * Its own stack, with everything retained, so the functions' stack can be torn down and redeployed
 * freely and a `cdk destroy` of this one still leaves every backup in place.
 */
export class StoreStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.TableV2;
  readonly key: kms.IKey | undefined;
  readonly replicationRole: iam.Role | undefined;
  /** The replica's bucket name in the DR region, when there is one. */
  readonly replicaBucketName: string | undefined;

  constructor(scope: Construct, id: string, props: StoreStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = config.kmsKeyArn === undefined ? undefined : kms.Key.fromKeyArn(this, 'Key', config.kmsKeyArn);
    const replication =
      config.drRegion === undefined ? undefined : replicationSetup(this, config, config.drRegion, this.key);
    const names = storeNames(config);
    const store = new BackupBucket(this, 'Backup', {
      config,
      bucketName: names.bucketName,
      ...(this.key === undefined ? {} : { key: this.key }),
      ...(replication === undefined
        ? {}
        : { replicationRole: replication.role, replicationRules: replication.rules }),
    });
    this.bucket = store.bucket;
    // By name, as every other grant on the store is: the policy then reads the same in any stack.
    const byName = s3.Bucket.fromBucketName(this, 'BackupByName', names.bucketName);
    if (replication !== undefined)
      grantReplication(replication.role, byName, replication.destination, config, this.key);
    this.replicationRole = replication?.role;
    this.replicaBucketName = replication?.destination.bucketName;
    this.table = changeLogTable(this, 'ChangeLog', this.key, names.tableName);
  }
}
