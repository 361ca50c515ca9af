/**
 * The AWS calls the adapters in this folder send, as IAM actions: what a role running them must be
 * allowed, and nothing more. One source for the CDK app's policies and the CLI's restore role. Each
 * list is checked against the adapters' code (`awsOperations.unit.spec.ts`: every Cognito command the
 * reader and writer construct) and against what a real run sends through a recording proxy
 * (handlers' `permissions.int.spec.ts`, restore-cli's `restorePermissions.int.spec.ts`).
 */

/**
 * Every Cognito call `AwsCognitoReader` sends: awsCognitoReader.ts (pool, MFA, listings, a user's MFA),
 * entityReads.ts (one entity at a time; GetGroup falls back to ListGroups), optionalReads.ts (identity
 * providers, resource servers, domain, UI, risk, tags) and cognitoCalls.ts (DescribeUserPool to tell a
 * deleted pool from a deleted entity). All are reads.
 */
export const COGNITO_READ_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:DescribeIdentityProvider',
  'cognito-idp:DescribeResourceServer',
  'cognito-idp:DescribeRiskConfiguration',
  'cognito-idp:DescribeUserPool',
  'cognito-idp:DescribeUserPoolClient',
  'cognito-idp:DescribeUserPoolDomain',
  'cognito-idp:GetGroup',
  'cognito-idp:GetUICustomization',
  'cognito-idp:GetUserPoolMfaConfig',
  'cognito-idp:ListGroups',
  'cognito-idp:ListIdentityProviders',
  'cognito-idp:ListResourceServers',
  'cognito-idp:ListTagsForResource',
  'cognito-idp:ListUserPoolClients',
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
] as const;

/**
 * Every Cognito write `AwsCognitoWriter` sends: poolWrites.ts (the pool and its one-per-pool settings,
 * CreateUserPool for `--create-pool`), resourceWrites.ts (groups, clients, identity providers,
 * resource servers) and userWrites.ts (users, their attributes, MFA, memberships, provider links).
 * The writer's other calls are reads: ListTagsForResource (does the endpoint serve tagging) and
 * DescribeUserPool (is the pool gone), both in `COGNITO_READ_ACTIONS`.
 */
export const COGNITO_WRITE_ACTIONS = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDeleteUserAttributes',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminLinkProviderForUser',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminSetUserMFAPreference',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:CreateGroup',
  'cognito-idp:CreateIdentityProvider',
  'cognito-idp:CreateResourceServer',
  'cognito-idp:CreateUserPool',
  'cognito-idp:CreateUserPoolClient',
  'cognito-idp:CreateUserPoolDomain',
  'cognito-idp:DeleteGroup',
  'cognito-idp:DeleteIdentityProvider',
  'cognito-idp:DeleteResourceServer',
  'cognito-idp:DeleteUserPoolClient',
  'cognito-idp:DeleteUserPoolDomain',
  'cognito-idp:SetRiskConfiguration',
  'cognito-idp:SetUICustomization',
  'cognito-idp:SetUserPoolMfaConfig',
  'cognito-idp:TagResource',
  'cognito-idp:UntagResource',
  'cognito-idp:UpdateGroup',
  'cognito-idp:UpdateIdentityProvider',
  'cognito-idp:UpdateResourceServer',
  'cognito-idp:UpdateUserPool',
  'cognito-idp:UpdateUserPoolClient',
] as const;

/**
 * Cognito actions IAM authorizes on no resource type (the Service Authorization Reference lists none
 * for them): a statement granting them must name `"Resource": "*"`. CreateUserPool names no pool yet;
 * DescribeUserPoolDomain names a domain, not a pool. Every other action here takes the pool's ARN.
 */
export const COGNITO_UNSCOPED_ACTIONS = [
  'cognito-idp:CreateUserPool',
  'cognito-idp:DescribeUserPoolDomain',
] as const;

/**
 * What a store encrypted with a customer managed KMS key (`kmsKeyId`) needs beside the S3 and DynamoDB
 * actions, on that key only and best with `kms:ViaService` conditions (s3 and dynamodb of the store's
 * region). S3: GetObject of an SSE-KMS object needs Decrypt; PutObject needs GenerateDataKey, and a
 * multipart upload (S3BlobStore streams large bodies that way) Decrypt as well. DynamoDB with a
 * customer managed key: reads Decrypt and DescribeKey, writes Encrypt and GenerateDataKey too. Not
 * exercised by any loopback server (none of them encrypts): taken from AWS's documentation.
 */
export const KMS_ACTIONS = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
} as const;

/** The actions one role needs, by service (IAM action names, `service:Action`, never a wildcard). */
export interface ServicePermissions {
  /** On the pools the role works on (`arn:aws:cognito-idp:<region>:<account>:userpool/<id>`). */
  readonly cognito: readonly string[];
  /** On the store's table and its indexes (`table/<name>` and `table/<name>/index/*`). */
  readonly dynamodb: readonly string[];
  /** s3:ListBucket on the bucket, the object actions on its objects (`<bucket>/*`, or the prefix). */
  readonly s3: readonly string[];
  /** On the store's KMS key, when it has one (`KMS_ACTIONS`). */
  readonly kms: readonly string[];
  /** On the account's default event bus in the region (capture's burst alarm, PutEvents). */
  readonly events?: readonly string[];
}

/**
 * The role an operator assumes to restore a pool (`restore-cli restore` against the AWS store).
 *
 * Cognito: every write `AwsCognitoWriter` sends but CreateUserPool (`createPool`), and every read
 * `AwsCognitoReader` sends — prepareRestore reads the live pool whole (users' MFA too), and apply
 * re-reads each entity before and after changing it (readLiveEntity).
 *
 * The store is not only read: a restore against the table appends its history to the change log
 * (restoreHistory.ts: per entity changed, a Query for its head and a conditional PutItem; a restore
 * record names no CloudTrail event, so no event guard — no UpdateItem or DeleteItem), and when it ends
 * archives those records to the bucket as a delta segment (restoreApply.ts `archive` → archiveRecords:
 * a HEAD, then PutObject; a segment over 5 MiB goes up in parts, and one that fails midway is
 * aborted: AbortMultipartUpload). Reading: the snapshot catalog and change log are Queries (on the table and
 * its indexes), the clock probe and checkpoints GetItems; snapshots and segments GetObjects, listings
 * ListBucket. ListBucket is needed by every HEAD or GET of a key that may not exist too: without it S3
 * answers 403 instead of 404, and the adapter cannot tell a missing key from a failure.
 */
export const RESTORE_PERMISSIONS: ServicePermissions & {
  /**
   * `--create-pool`: CreateUserPool, which poolWrites.ts sends. IAM scopes it to no pool
   * (`COGNITO_UNSCOPED_ACTIONS`), and the restore then writes to the new pool, which no ARN listed in
   * advance covers: a role for it is a separate decision, so it is apart from `cognito`.
   */
  readonly createPool: readonly string[];
} = {
  cognito: [
    ...COGNITO_READ_ACTIONS,
    ...COGNITO_WRITE_ACTIONS.filter((action) => action !== 'cognito-idp:CreateUserPool'),
  ],
  createPool: ['cognito-idp:CreateUserPool'],
  dynamodb: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  s3: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
  kms: KMS_ACTIONS.write,
};
