import { DEPLOYMENT_OUTPUTS, type DeploymentOutput } from '@cognito-rewind/core';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import { CognitoRewind, type RewindPermissions } from '../constructs/cognitoRewind.js';
import { storeByName } from '../constructs/storeNames.js';
import type { StoreRefs } from '../constructs/storeRefs.js';

export interface AppStackProps extends StackProps {
  readonly config: RewindConfig;
  /** @default the store `StoreStack` makes for this configuration, found by its names */
  readonly store?: StoreRefs;
  readonly permissions: RewindPermissions;
  readonly bundleDir?: string;
  readonly replication?: { sourceBucket: string; destinationBucket: string; ruleId: string };
}

/**
 * The stateless half: everything but the data, safe to destroy and redeploy. Its outputs are what
 * `restore-cli --deployment <cdk outputs file>` reads: the store's names and the restore role.
 */
export class AppStack extends Stack {
  readonly rewind: CognitoRewind;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config } = props;
    const store = props.store ?? storeByName(this, config);
    this.rewind = new CognitoRewind(this, 'Rewind', {
      config,
      store,
      permissions: props.permissions,
      ...(props.bundleDir === undefined ? {} : { bundleDir: props.bundleDir }),
      ...(props.replication === undefined ? {} : { replication: props.replication }),
    });
    // An output without a value is left out (CloudFormation refuses empty ones; the CLI reads absent as none).
    const outputs: Partial<Record<DeploymentOutput, { value: string; description: string }>> = {
      bucket: { value: store.bucket.bucketName, description: 'The backup bucket' },
      table: { value: store.table.tableName, description: 'The change log table' },
      ...(config.prefix === undefined
        ? {}
        : { prefix: { value: config.prefix, description: 'The key prefix inside the bucket' } }),
      ...(store.key === undefined
        ? {}
        : { kmsKeyArn: { value: store.key.keyArn, description: 'The customer managed key of the store' } }),
      region: { value: this.region, description: 'The region of the bucket and the table' },
      restoreRoleArn: { value: this.rewind.restoreRole.roleArn, description: 'The role restore-cli assumes' },
      poolIds: { value: config.pools.join(','), description: 'The pools this deployment keeps' },
    };
    for (const [name, output] of Object.entries(outputs) as [
      DeploymentOutput,
      { value: string; description: string },
    ][])
      new CfnOutput(this, DEPLOYMENT_OUTPUTS[name], { ...output, value: output.value });
  }
}
