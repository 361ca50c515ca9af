import { CHANGE_LOG_INDEXES, EXPIRY_ATTRIBUTE } from '@cognito-rewind/core/adapters/aws';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FULL, MINIMAL, synth } from './synth.testing.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** The bucket holding backups (not an access-log or trail bucket): the one with a lifecycle per pool. */
function backupBucket(resources: Record<string, Resource>): Resource {
  const found = Object.values(resources).filter(
    (r) => r.Type === 'AWS::S3::Bucket' && JSON.stringify(r.Properties).includes('snapshots-'),
  );
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

describe('the store stack', () => {
  const minimal = synth(MINIMAL);
  const full = synth(FULL);

  it('keeps backups in a versioned, private, TLS-only bucket, S3-managed encryption by default, retained', () => {
    const bucket = backupBucket(minimal.store.findResources('AWS::S3::Bucket') as Record<string, Resource>);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { LogFilePrefix: 'backup/' },
    });
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    minimal.store.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("encrypts the bucket and the table with the customer's key when given", () => {
    const bucket = backupBucket(full.store.findResources('AWS::S3::Bucket') as Record<string, Resource>);
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: FULL.kmsKeyArn },
        },
      ],
    });
    full.store.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: FULL.kmsKeyArn } })],
    });
  });

  it('expires snapshots and segments per pool after their retention, old versions and failed uploads too, never the large records', () => {
    const bucket = backupBucket(full.store.findResources('AWS::S3::Bucket') as Record<string, Resource>);
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    for (const pool of FULL.pools)
      for (const [kind, folder] of [
        ['snapshots', 'snapshots'],
        ['segments', 'deltas'],
      ] as const)
        expect(rules).toContainEqual(
          expect.objectContaining({
            Id: `${kind}-${pool}`,
            Prefix: `backups/prod/cognito-backup/${pool}/${folder}/`,
            ExpirationInDays: 400,
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            Status: 'Enabled',
          }),
        );
    expect(rules).toContainEqual(
      expect.objectContaining({
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }),
    );
    // Large change records are referenced by the table: no rule reaches `changes/`.
    expect(JSON.stringify(rules)).not.toContain('changes/');
    expect(rules.filter((rule) => 'Prefix' in rule)).toHaveLength(FULL.pools.length * 2);
  });

  it('locks objects in the mode chosen, from creation', () => {
    const bucket = backupBucket(full.store.findResources('AWS::S3::Bucket') as Record<string, Resource>);
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
  });

  it('replicates the backup prefix to the DR bucket with a role named for its region, Object Lock permissions included', () => {
    const bucket = backupBucket(full.store.findResources('AWS::S3::Bucket') as Record<string, Resource>);
    expect(bucket.Properties.ReplicationConfiguration).toMatchObject({
      Rules: [
        {
          Id: 'backup-to-dr',
          Status: 'Enabled',
          Filter: { Prefix: 'backups/prod/cognito-backup/' },
          DeleteMarkerReplication: { Status: 'Disabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':s3:::rewind-123456789012-eu-central-1-dr'],
              ],
            },
            EncryptionConfiguration: { ReplicaKmsKeyID: FULL.drKmsKeyArn },
            Metrics: { Status: 'Enabled' },
          },
        },
      ],
    });
    full.store.hasResourceProperties('AWS::IAM::Role', { RoleName: 'Rewind-replication-eu-west-1' });
    const policy = JSON.stringify(full.store.findResources('AWS::IAM::Policy'));
    for (const action of [
      's3:GetObjectRetention',
      's3:GetObjectLegalHold',
      's3:ReplicateObject',
      's3:GetObjectVersionForReplication',
    ])
      expect(policy).toContain(action);
    // Without Object Lock, the role does not ask for its permissions.
    const unlocked = synth({ ...MINIMAL, drRegion: 'eu-central-1' });
    expect(JSON.stringify(unlocked.store.findResources('AWS::IAM::Policy'))).not.toContain(
      'GetObjectRetention',
    );
    expect(minimal.store.findResources('AWS::IAM::Role')).toEqual({});
  });

  it('makes the DR bucket in the DR region under the name replication writes to, locked the same way', () => {
    expect(full.stacks.replica?.region).toBe('eu-central-1');
    full.replica?.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'rewind-123456789012-eu-central-1-dr',
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: FULL.drKmsKeyArn },
          }),
        ],
      },
    });
    expect(minimal.replica).toBeUndefined();
  });

  it('keeps the change log in an on-demand table with point-in-time recovery, deletion protection, and every index the adapters use', () => {
    const tables = minimal.store.findResources('AWS::DynamoDB::GlobalTable') as Record<string, Resource>;
    const [table] = Object.values(tables);
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      TableName: 'CognitoRewind-change-log',
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: EXPIRY_ATTRIBUTE, Enabled: true },
      Replicas: [
        {
          Region: 'eu-west-1',
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      ],
    });
    const names = [
      ...((table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[]) ?? []),
      ...((table?.Properties.LocalSecondaryIndexes as { IndexName: string }[]) ?? []),
    ].map((index) => index.IndexName);
    expect(names.sort()).toEqual(Object.values(CHANGE_LOG_INDEXES).sort());
  });
});
