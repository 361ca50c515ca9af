import { z } from 'zod';

/**
 * What a deployment is given: a JSON file (`rewind.config.json`, or the one `-c config=<file>` names)
 * checked here before any construct is made, so a wrong value fails synth with one sentence that
 * names the field. Everything but the region and the pools has a default an AWS platform team would
 * pick for a backup of personal data; `docs/deploying.md` explains each.
 */

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/[0-9a-f-]{36}$/;
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]{3,128}$/;
const PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+|assumed-role\/[\w+=,.@/-]+)$/;
/** Cognito user pool ids: `<region>_<9 alphanumerics>`. */
const POOL_ID = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)_[0-9A-Za-z]+$/;
/** CloudFormation stack names, and the prefix of every physical name made from it. */
const NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

const days = (max: number) => z.number().int().min(1).max(max);
const minutes = (min: number, max: number) => z.number().int().min(min).max(max);

const retentionSchema = z
  .strictObject({
    /** Days a snapshot is kept; state(T) needs a snapshot at or before T. */
    snapshotsDays: days(36_500).default(400),
    /** Days a delta segment is kept: the bucket alone (a DR region) replays from them. */
    segmentsDays: days(36_500).default(400),
    /** Days an overwritten or deleted object version is kept before it expires. */
    noncurrentVersionsDays: days(36_500).default(30),
    /** Days objects wait before moving to S3 Standard-IA (they are read only to restore). */
    infrequentAccessAfterDays: days(36_500).default(30),
    /** Days the EventBridge archive keeps matched events for a replay after a capture outage. */
    eventArchiveDays: days(36_500).default(35),
    /** Days the event trail keeps callers' IPs and user agents (DynamoDB TTL deletes them). */
    personalDataDays: days(36_500).default(90),
    /** Days the functions' CloudWatch logs are kept. */
    logDays: z
      .union(
        [
          z.literal(1),
          z.literal(3),
          z.literal(5),
          z.literal(7),
          z.literal(14),
          z.literal(30),
          z.literal(60),
          z.literal(90),
          z.literal(120),
          z.literal(150),
          z.literal(180),
          z.literal(365),
          z.literal(400),
          z.literal(545),
          z.literal(731),
          z.literal(1096),
          z.literal(1827),
          z.literal(2192),
          z.literal(2557),
          z.literal(2922),
          z.literal(3288),
          z.literal(3653),
        ],
        {
          error:
            'must be one of the retention periods CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days)',
        },
      )
      .default(90),
  })
  .prefault({});

const schedulesSchema = z
  .strictObject({
    /** Minutes between snapshots (compaction, no Cognito calls). */
    snapshotMinutes: minutes(15, 1440).default(60),
    /** Minutes between archive runs (change records to delta segments in the bucket). */
    archiveMinutes: minutes(5, 1440).default(15),
    /** Minutes between reconcile ticks; each pool runs when due, and the handler paces itself. */
    reconcileMinutes: minutes(1, 60).default(5),
    /** Hours between full reads of each pool. */
    reconcileEveryHours: z
      .number()
      .min(1)
      .max(24 * 7)
      .default(24),
  })
  .prefault({});

const alarmsSchema = z
  .strictObject({
    /** Where alarms are mailed (an SNS email subscription, confirmed by the recipient). */
    email: z.email().optional(),
    /** Hours without a new snapshot of a pool before its recovery point is at risk. */
    maxSnapshotAgeHours: z.number().min(1).max(168).default(3),
    /**
     * Hours without any change record of a pool before it is suspicious (a broken trail or rule looks
     * like a quiet pool). 0 turns the alarm off, for pools that are legitimately quiet for days.
     */
    maxQuietHours: z
      .number()
      .min(0)
      .max(24 * 90)
      .default(48),
    /** Minutes the oldest queued event may wait before capture is lagging. */
    captureLagMinutes: minutes(1, 24 * 60).default(15),
    /** Drift records one reconcile of a pool may find before it alarms (events are being missed). */
    driftRecords: z.number().int().min(1).default(1),
    /** Minutes replication to the DR region may lag. */
    replicationLagMinutes: minutes(1, 24 * 60).default(30),
  })
  .prefault({});

const objectLockSchema = z.strictObject({
  /** GOVERNANCE: removable with s3:BypassGovernanceRetention; COMPLIANCE: by no one, root included. */
  mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
  days: days(36_500),
});

const trailSchema = z.union([
  z.literal('create'),
  z.strictObject({
    /** The ARN of a trail already logging this region's management write events. */
    existingTrailArn: z.string().regex(TRAIL_ARN, 'is not a CloudTrail trail ARN'),
  }),
]);

const restoreRoleSchema = z
  .strictObject({
    /** Who may assume the restore role. @default this account (its IAM policies then decide) */
    trustedPrincipalArns: z.array(z.string().regex(PRINCIPAL_ARN, 'is not an IAM principal ARN')).optional(),
    /** Assuming the role needs a session signed with MFA. */
    requireMfa: z.boolean().default(true),
    /** Adds cognito-idp:CreateUserPool, for `restore --create-pool` after a pool was deleted. */
    allowCreatePool: z.boolean().default(false),
    maxSessionHours: z.number().int().min(1).max(12).default(4),
  })
  .prefault({});

const configShape = z.strictObject({
  /** The stacks' names start with it, and so do the names it makes (roles, alarms, dashboard). */
  name: z
    .string()
    .regex(NAME, 'must start with a letter and hold only letters, digits and -')
    .default('CognitoRewind'),
  /** @default the account of the credentials `cdk deploy` runs with */
  account: z.string().regex(ACCOUNT, 'is not a 12-digit AWS account id').optional(),
  region: z.string().regex(REGION, 'is not an AWS region name'),
  pools: z
    .array(z.string().regex(POOL_ID, 'is not a Cognito user pool id (<region>_<id>)'))
    .min(1, 'must name at least one user pool'),
  /** Key prefix inside the bucket. */
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
      'must be a key prefix without leading or trailing /',
    )
    .optional(),
  /** The customer managed key of the bucket and the table (queues and logs use AWS managed keys). @default AWS managed encryption */
  kmsKeyArn: z.string().regex(KMS_KEY_ARN, 'is not a KMS key ARN').optional(),
  /** The region the backup is replicated to. @default none: no copy in a second region */
  drRegion: z.string().regex(REGION, 'is not an AWS region name').optional(),
  /** The customer managed key of the replica bucket, in the DR region (with `kmsKeyArn`). */
  drKmsKeyArn: z.string().regex(KMS_KEY_ARN, 'is not a KMS key ARN').optional(),
  objectLock: objectLockSchema.optional(),
  trail: trailSchema.default('create'),
  retention: retentionSchema,
  schedules: schedulesSchema,
  alarms: alarmsSchema,
  restoreRole: restoreRoleSchema,
});

export const rewindConfigSchema = configShape.superRefine((config, ctx) => {
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  checkPools(config, issue);
  checkRegionsAndKeys(config, issue);
  checkRetention(config, issue);
});

type Issue = (path: (string | number)[], message: string) => void;
type Checked = z.output<typeof configShape>;

/** Every pool in the deployment's region, none twice. */
function checkPools(config: Checked, issue: Issue): void {
  config.pools.forEach((pool, index) => {
    const poolRegion = POOL_ID.exec(pool)?.[1];
    if (poolRegion !== undefined && poolRegion !== config.region)
      issue(['pools', index], `${pool} is in ${poolRegion}, not in the deployment's region ${config.region}`);
  });
  if (new Set(config.pools).size !== config.pools.length) issue(['pools'], 'names a pool twice');
}

/** A DR region apart from the region, and each key in the region it encrypts. */
function checkRegionsAndKeys(config: Checked, issue: Issue): void {
  if (config.drRegion !== undefined && config.drRegion === config.region)
    issue(
      ['drRegion'],
      `must differ from region (${config.region}): a copy in the same region is no DR copy`,
    );
  const keyRegion = (arn: string) => KMS_KEY_ARN.exec(arn)?.[1];
  if (config.kmsKeyArn !== undefined && keyRegion(config.kmsKeyArn) !== config.region)
    issue(['kmsKeyArn'], `must be a key in ${config.region}, the deployment's region`);
  if (config.drKmsKeyArn !== undefined && config.drRegion === undefined)
    issue(['drKmsKeyArn'], 'is given without drRegion');
  if (
    config.drKmsKeyArn !== undefined &&
    config.drRegion !== undefined &&
    keyRegion(config.drKmsKeyArn) !== config.drRegion
  )
    issue(['drKmsKeyArn'], `must be a key in ${config.drRegion}, the DR region`);
  if (config.kmsKeyArn !== undefined && config.drRegion !== undefined && config.drKmsKeyArn === undefined)
    issue(
      ['drKmsKeyArn'],
      'is needed with kmsKeyArn and drRegion: replicas of KMS-encrypted objects need a key in the DR region',
    );
}

/** Lifecycle days S3 accepts, and none shorter than the lock. */
function checkRetention(config: Checked, issue: Issue): void {
  const { retention, objectLock } = config;
  if (retention.infrequentAccessAfterDays < 30)
    issue(
      ['retention', 'infrequentAccessAfterDays'],
      'must be 30 or more (S3 moves objects to Standard-IA after 30 days at the earliest)',
    );
  for (const key of ['snapshotsDays', 'segmentsDays'] as const)
    if (objectLock !== undefined && retention[key] < objectLock.days)
      issue(
        ['retention', key],
        `is shorter than objectLock.days (${objectLock.days}): objects could not expire while locked`,
      );
}

export type RewindConfigInput = z.input<typeof rewindConfigSchema>;
export type RewindConfig = z.output<typeof rewindConfigSchema>;

/** A configuration that fails its checks: the message is one sentence per problem, naming the field. */
export class RewindConfigError extends Error {
  override readonly name = 'RewindConfigError';
}

const fieldName = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? 'the configuration'
    : path
        .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
        .join('')
        .replace(/^\./, '');

/** Checks a configuration; `source` names where it came from in the error. */
export function parseRewindConfig(input: unknown, source = 'the configuration'): RewindConfig {
  const result = rewindConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // Our own messages continue the field's name ("pools[0] is not…"); zod's stand after a colon.
    const own = /^[a-z]/.test(issue.message);
    return own
      ? `${fieldName(issue.path)} ${issue.message}`
      : `${fieldName(issue.path)}: ${issue.message[0]?.toLowerCase()}${issue.message.slice(1)}`;
  });
  throw new RewindConfigError(`${source}: ${problems.join('; ')}.`);
}
