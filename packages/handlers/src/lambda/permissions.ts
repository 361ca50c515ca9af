import { KMS_ACTIONS, type ServicePermissions } from '@cognito-rewind/core/adapters/aws';
import type { FunctionName } from '../commons/functionNames.js';

/**
 * What each Lambda function's role must be allowed, as IAM actions by service: one source for the CDK
 * app. Cognito on the watched pools and reads only (each action one `AwsCognitoReader` sends);
 * DynamoDB on the store's table and its indexes (`table/<name>/index/*`: the change log's timeline,
 * appended-since and audit indexes); S3 ListBucket on the bucket, the object actions on its objects;
 * KMS on the store's key when it has one (`KMS_ACTIONS`). `permissions.int.spec.ts` runs each
 * function's handler through a proxy that records every request's action and holds it to its list.
 *
 * What every function shares:
 * - `dynamodb:GetItem`: the store's clock probe (openAwsStore: one GetItem tells DynamoDB's time) and
 *   strongly consistent reads of one item (a checkpoint, an event guard, a catalog entry).
 * - `dynamodb:Query`: a change log entity's head and history, the timeline and appended-since indexes,
 *   the snapshot catalog.
 * - `s3:ListBucket`: every HEAD or GET of a key that may not exist (S3BlobStore checks a key is free
 *   before each create-only put): without it S3 answers 403, not 404, and the put fails.
 * - the S3 object actions of a change record over 350 KB, whose body goes to the bucket
 *   (dynamoRecords.ts: a HEAD and PutObject to write it, GetObject to read it back).
 */
export const FUNCTION_PERMISSIONS = {
  capture: {
    cognito: [
      // The user an event names by sub: ListUsers with a `sub = "…"` filter (findUsernameBySub).
      'cognito-idp:ListUsers',
      // The re-read of each entity an event touched (readLiveEntity): a user and its groups, a group,
      // a client, an identity provider, a resource server, the pool (and its ARN, for the tags), MFA
      // settings, the domain, UI customization, risk configuration, tags.
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:GetGroup',
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:DescribeIdentityProvider',
      'cognito-idp:DescribeResourceServer',
      'cognito-idp:DescribeUserPool',
      'cognito-idp:GetUserPoolMfaConfig',
      'cognito-idp:DescribeUserPoolDomain',
      'cognito-idp:GetUICustomization',
      'cognito-idp:DescribeRiskConfiguration',
      'cognito-idp:ListTagsForResource',
    ],
    dynamodb: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      // Records (conditional on the version), event guards, trail entries and their personal items,
      // reconcile requests (checkpoints).
      'dynamodb:PutItem',
      // An event guard taken over from a writer that crashed or lost its race (dynamoGuard.ts).
      'dynamodb:UpdateItem',
      // A guard given back after losing a version race to another event (dynamoGuard.ts).
      'dynamodb:DeleteItem',
      // The trail's entity index items, and dropping a losing writer's (dynamoEventTrail.ts).
      'dynamodb:BatchWriteItem',
      // The burst alarm's read of a caller's recent calls: the trail's caller index names the entries,
      // read by key (dynamoEventTrail.ts).
      'dynamodb:BatchGetItem',
    ],
    s3: [
      // The recorded state (newest snapshot, listed and read, plus the records since): who a deleted
      // user was, by sub, and a deleted group's members (captureEvent.ts recordedEntities).
      's3:GetObject',
      's3:ListBucket',
      // Only a record over 350 KB (see above).
      's3:PutObject',
    ],
    kms: KMS_ACTIONS.write,
    // The burst alarm: one event per burst on the default bus (burstAlarm.ts).
    events: ['events:PutEvents'],
  },
  snapshot: {
    cognito: [
      // A pool's first full read (takeBackup without per-user MFA reads): every list operation, each
      // client and identity provider described, each group's members, the optional components.
      'cognito-idp:DescribeUserPool',
      'cognito-idp:GetUserPoolMfaConfig',
      'cognito-idp:ListUserPoolClients',
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:ListGroups',
      'cognito-idp:ListUsersInGroup',
      'cognito-idp:ListUsers',
      'cognito-idp:ListIdentityProviders',
      'cognito-idp:DescribeIdentityProvider',
      'cognito-idp:ListResourceServers',
      'cognito-idp:DescribeUserPoolDomain',
      'cognito-idp:GetUICustomization',
      'cognito-idp:DescribeRiskConfiguration',
      'cognito-idp:ListTagsForResource',
    ],
    dynamodb: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      // The first read's baseline records, and each snapshot's catalog entry.
      'dynamodb:PutItem',
    ],
    s3: [
      // The base snapshot and its manifest read for a compaction.
      's3:GetObject',
      's3:ListBucket',
      // The new snapshot and its manifest.
      's3:PutObject',
      // A snapshot over 5 MiB goes up in parts; one that fails midway is aborted (S3BlobStore).
      's3:AbortMultipartUpload',
    ],
    kms: KMS_ACTIONS.write,
  },
  archive: {
    // The archiver reads the change log, never Cognito.
    cognito: [],
    dynamodb: [
      'dynamodb:GetItem',
      // The records appended since the last run (the appended-since index).
      'dynamodb:Query',
      // The archive checkpoint, moved after every segment is written.
      'dynamodb:PutItem',
    ],
    s3: [
      's3:GetObject',
      's3:ListBucket',
      // The delta segments.
      's3:PutObject',
      // A segment over 5 MiB goes up in parts; one that fails midway is aborted (S3BlobStore).
      's3:AbortMultipartUpload',
    ],
    kms: KMS_ACTIONS.write,
  },
  reconcile: {
    cognito: [
      // Everything but users read whole each run (readPoolSettings), users a ListUsers page at a time.
      'cognito-idp:DescribeUserPool',
      'cognito-idp:GetUserPoolMfaConfig',
      'cognito-idp:ListUserPoolClients',
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:ListGroups',
      'cognito-idp:ListUsersInGroup',
      'cognito-idp:ListUsers',
      'cognito-idp:ListIdentityProviders',
      'cognito-idp:DescribeIdentityProvider',
      'cognito-idp:ListResourceServers',
      'cognito-idp:DescribeUserPoolDomain',
      'cognito-idp:GetUICustomization',
      'cognito-idp:DescribeRiskConfiguration',
      'cognito-idp:ListTagsForResource',
      // An entity the log holds that no listing found is re-read before it is recorded deleted
      // (reconcileVanished.ts → readLiveEntity): a user and its groups, a group, a client, an identity
      // provider, a resource server (the pool-wide ones are read whole above).
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:GetGroup',
      'cognito-idp:DescribeResourceServer',
    ],
    dynamodb: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      // Drift, baseline and delete records; the run's checkpoint and its chunks of seen keys.
      'dynamodb:PutItem',
      // A finished run's chunks of seen keys (seenChunks.ts).
      'dynamodb:DeleteItem',
    ],
    s3: [
      // The recorded state (newest snapshot plus the records since), against which the read is diffed
      // and what vanished is found.
      's3:GetObject',
      's3:ListBucket',
      // Only a record over 350 KB (see above).
      's3:PutObject',
    ],
    kms: KMS_ACTIONS.write,
  },
} as const satisfies Record<FunctionName, ServicePermissions>;

export type { FunctionName };

export { KMS_ACTIONS };
