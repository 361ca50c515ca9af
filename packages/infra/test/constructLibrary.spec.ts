import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expect, inject, it } from 'vitest';
import { CognitoRewind, parseRewindConfig, REWIND_PERMISSIONS } from '../src/index.js';

it("puts Cognito Rewind into a team's own stack, beside a store the team made", () => {
  const app = new App();
  const stack = new Stack(app, 'PlatformBackups', { env: { region: 'eu-west-1', account: '123456789012' } });
  const bucket = new s3.Bucket(stack, 'TheirBucket', { removalPolicy: RemovalPolicy.RETAIN });
  const table = dynamodb.TableV2.fromTableName(stack, 'TheirTable', 'their-change-log');
  const config = parseRewindConfig({ region: 'eu-west-1', pools: ['eu-west-1_AAAAAAAAA'], name: 'Backups' });
  const rewind = new CognitoRewind(stack, 'Rewind', {
    config,
    store: { bucket, table },
    permissions: REWIND_PERMISSIONS,
    bundleDir: inject('bundleDir'),
  });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Lambda::Function', 4);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: {
        REWIND_TABLE: 'their-change-log',
        REWIND_BUCKET: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) },
      },
    },
  });
  expect(rewind.restoreRole.roleArn).toBeDefined();
  expect(Object.keys(rewind.functions).sort()).toEqual(['archive', 'capture', 'reconcile', 'snapshot']);
});

it('names a missing bundle at synth, not at deploy', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
  const config = parseRewindConfig({ region: 'eu-west-1', pools: ['eu-west-1_AAAAAAAAA'] });
  expect(
    () =>
      new CognitoRewind(stack, 'Rewind', {
        config,
        store: {
          bucket: s3.Bucket.fromBucketName(stack, 'B', 'their-bucket'),
          table: dynamodb.TableV2.fromTableName(stack, 'T', 'their-table'),
        },
        permissions: REWIND_PERMISSIONS,
        bundleDir: '/nonexistent/bundles',
      }),
  ).toThrow(
    /no capture bundle in \/nonexistent\/bundles: run `pnpm --filter @cognito-rewind\/handlers bundle`/,
  );
});
