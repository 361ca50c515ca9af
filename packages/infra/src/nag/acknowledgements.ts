import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import { backupKeyPrefix } from '../constructs/backupBucket.js';
import { replicaBucketName } from '../constructs/replication.js';
import { storeNames } from '../constructs/storeNames.js';
import type { AppStack } from '../stacks/appStack.js';
import type { StoreStack } from '../stacks/storeStack.js';

/**
 * Every cdk-nag AwsSolutions finding this app accepts, each on the construct it is about, with its
 * reason, in this one file. Anything not acknowledged here fails the infra tests (`nag.spec.ts`).
 */
export function acknowledgeNagFindings(
  stacks: { store: StoreStack; app: AppStack },
  config: RewindConfig,
): void {
  const { app, store } = stacks;
  const rewind = app.rewind;
  const objects = `${bucketArn(app, storeNames(config).bucketName)}/${backupKeyPrefix(config)}*`;
  const indexes = `${nagText(app, app.formatArn({ service: 'dynamodb', resource: 'table', resourceName: storeNames(config).tableName }))}/index/*`;

  const storeAccess = [
    wildcard(
      objects,
      'Object actions on the backup prefix only: every key below it is made at run time (pool, date, ULID), so none can be named in advance.',
    ),
    wildcard(
      indexes,
      "The change log table's own indexes (timeline, appended, byActor, byEvent, entityTime), all of which the code queries.",
    ),
  ];
  const describeDomain = wildcard(
    '*',
    'Only cognito-idp:DescribeUserPoolDomain (and CreateUserPool when allowed) is on "*": it takes a domain name, and IAM authorizes it on no narrower resource. Every other Cognito action is on the configured pools.',
  );
  for (const [name, fn] of Object.entries(rewind.functions)) {
    acknowledge(fn.role, [
      ...storeAccess,
      ...(name === 'archive' ? [] : [describeDomain]),
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the handlers are built and tested for (esbuild target node22); moving to a newer runtime is a tested change, not a silent one.',
      },
    ]);
    acknowledge(fn, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the handlers are built and tested for (esbuild target node22); moving to a newer runtime is a tested change, not a silent one.',
      },
    ]);
  }
  acknowledge(rewind.restoreRole, [
    ...storeAccess,
    describeDomain,
    ...(config.restoreRole.allowCreatePool
      ? [
          wildcard(
            nagText(app, app.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })),
            'restoreRole.allowCreatePool: a pool made by restore --create-pool has no ARN before it exists, and the restore then writes into it.',
          ),
        ]
      : []),
  ]);
  if (rewind.capture.trail !== undefined)
    acknowledge(rewind.capture.trailBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          "The trail's own log bucket: CloudTrail already records every access to it as data of its own kind, and logging a log bucket's access recurses.",
      },
    ]);
  if (store.replicationRole !== undefined && config.drRegion !== undefined)
    acknowledge(store.replicationRole, [
      wildcard(
        `${bucketArn(store, storeNames(config).bucketName)}/${backupKeyPrefix(config)}*`,
        'S3 replication reads every object version under the backup prefix; their keys are made at run time.',
      ),
      wildcard(
        `${bucketArn(store, replicaBucketName(config, config.drRegion))}/${backupKeyPrefix(config)}*`,
        'S3 replication writes every object under the backup prefix into the DR bucket.',
      ),
    ]);
}

interface Acknowledgement {
  id: string;
  reason: string;
}

function acknowledge(scope: IConstruct | undefined, acknowledgements: readonly Acknowledgement[]): void {
  if (scope === undefined) return;
  for (const acknowledgement of acknowledgements) Validations.of(scope).acknowledge(acknowledgement);
}

const wildcard = (resource: string, reason: string): Acknowledgement => ({
  id: `AwsSolutions-IAM5[Resource::${resource}]`,
  reason,
});

const bucketArn = (stack: Stack, bucketName: string): string =>
  nagText(stack, stack.formatArn({ service: 's3', region: '', account: '', resource: bucketName }));

/**
 * A value as cdk-nag names it in a finding: CloudFormation's intrinsics written `<AWS::Partition>`,
 * `<Logical.Attribute>`, joins joined.
 */
function nagText(stack: Stack, value: string): string {
  const text = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{(AWS::[A-Za-z]+)\}/g, '<$1>');
    if (Array.isArray(node)) return node.map(text).join('');
    if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if ('Ref' in record) return `<${String(record.Ref)}>`;
      if ('Fn::GetAtt' in record) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
      if ('Fn::Join' in record) {
        const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
        return parts.map(text).join(separator);
      }
    }
    return JSON.stringify(node);
  };
  return text(stack.resolve(value));
}
