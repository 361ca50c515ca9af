/**
 * Every setting of where the store is and how it is reached, with the flag the CLI takes it as and the
 * variable that gives it in a shell, a CI job or a Lambda function. One table: the CLI's options and
 * its fallback to the environment, the Lambda environment and the docs all follow it.
 */
export const SETTINGS = {
  store: { flag: '--store', variable: 'REWIND_STORE' },
  /** The outputs file `cdk deploy --outputs-file` wrote: the deployed store's names and its restore role. */
  deployment: { flag: '--deployment', variable: 'REWIND_DEPLOYMENT' },
  /** Which stack of that file, when it holds several Cognito Rewind deployments. */
  stack: { flag: '--stack', variable: 'REWIND_STACK' },
  bucket: { flag: '--bucket', variable: 'REWIND_BUCKET' },
  table: { flag: '--table', variable: 'REWIND_TABLE' },
  prefix: { flag: '--prefix', variable: 'REWIND_PREFIX' },
  s3Endpoint: { flag: '--s3-endpoint', variable: 'REWIND_S3_ENDPOINT' },
  dynamodbEndpoint: { flag: '--dynamodb-endpoint', variable: 'REWIND_DYNAMODB_ENDPOINT' },
  kmsKeyId: { flag: '--kms-key-id', variable: 'REWIND_KMS_KEY_ID' },
  clockTolerance: { flag: '--clock-tolerance', variable: 'REWIND_CLOCK_TOLERANCE_SECONDS' },
  /** The IAM role every AWS call of a command is made as (STS AssumeRole); default: the SDK's chain. */
  roleArn: { flag: '--role-arn', variable: 'REWIND_ROLE_ARN' },
  /** The Lambda functions' own region; the CLI leaves it to the SDK's chain. */
  region: { variable: 'AWS_REGION' },
  /** Days the event trail keeps callers' IPs and user agents (DynamoDB's TTL deletes them). */
  personalDataRetentionDays: { variable: 'REWIND_PERSONAL_DATA_RETENTION_DAYS' },
  /** Cognito's endpoint for the Lambda functions (cognito-local in tests). */
  cognitoEndpoint: { variable: 'REWIND_COGNITO_ENDPOINT' },
  /** The pools the scheduled functions keep, comma-separated. */
  poolIds: { variable: 'REWIND_POOL_IDS' },
  /** Destructive calls by one caller that make a burst, and within how many minutes (capture's alarm). */
  burstCount: { variable: 'REWIND_BURST_COUNT' },
  burstMinutes: { variable: 'REWIND_BURST_MINUTES' },
  /** EventBridge's endpoint for the capture function's burst alarm (a loopback server in tests). */
  eventBridgeEndpoint: { variable: 'REWIND_EVENTBRIDGE_ENDPOINT' },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The settings the CLI takes as flags. */
export type FlagSetting = {
  [K in SettingName]: (typeof SETTINGS)[K] extends { flag: string } ? K : never;
}[SettingName];

export const FLAG_SETTINGS = (Object.keys(SETTINGS) as SettingName[]).filter(
  (name): name is FlagSetting => 'flag' in SETTINGS[name],
);

/** The settings of the Lambda functions' store: always the AWS store, with its table. */
export const LAMBDA_STORE_SETTINGS = [
  'bucket',
  'table',
  'prefix',
  'kmsKeyId',
  'region',
  's3Endpoint',
  'dynamodbEndpoint',
  'clockTolerance',
  'personalDataRetentionDays',
] as const satisfies readonly SettingName[];

/** A setting as given: its text, and where it came from — a flag (`--bucket`) or a variable (`REWIND_BUCKET`). */
export interface GivenSetting {
  readonly value: string;
  readonly from: string;
}

/** The plain record the parser takes: what was given of each setting. */
export type GivenSettings = { readonly [K in SettingName]?: GivenSetting };

export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

export const isFlag = (from: string): boolean => from.startsWith('--');

/** One variable's value, trimmed; a blank one is not set. */
export function fromVariable(env: EnvironmentVariables, name: SettingName): GivenSetting | undefined {
  const { variable } = SETTINGS[name];
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? undefined : { value, from: variable };
}

/** What the environment gives of these settings. */
export function fromEnvironment(env: EnvironmentVariables, names: readonly SettingName[]): GivenSettings {
  const given: { [K in SettingName]?: GivenSetting } = {};
  for (const name of names) {
    const value = fromVariable(env, name);
    if (value !== undefined) given[name] = value;
  }
  return given;
}

/** The settings that choose a kind of store. */
const CHOOSES_KIND: readonly SettingName[] = ['store', 'deployment', 'bucket', 'table'];

/**
 * What the environment no longer gives once the command line names a store: the kinds, and the stack,
 * which means something only in the deployment file it was set beside.
 */
const GOES_WITH_KIND: readonly SettingName[] = [...CHOOSES_KIND, 'stack'];

/**
 * The CLI's settings: its flags first; the variables fill what they leave out — except that a store
 * named on the command line is never mixed with another kind from the environment.
 */
export function fromFlags(
  flags: { readonly [K in FlagSetting]?: string | undefined },
  env: EnvironmentVariables = {},
): GivenSettings {
  const named = CHOOSES_KIND.some((name) => flags[name as FlagSetting] !== undefined);
  const given: { [K in SettingName]?: GivenSetting } = {};
  for (const name of FLAG_SETTINGS) {
    const value = flags[name];
    if (value !== undefined) given[name] = { value, from: SETTINGS[name].flag };
    else if (!(named && GOES_WITH_KIND.includes(name))) {
      const fromEnv = fromVariable(env, name);
      if (fromEnv !== undefined) given[name] = fromEnv;
    }
  }
  return given;
}

/** The environment has AWS keys of its own (`AWS_ACCESS_KEY_ID`): no placeholders are made up for a loopback S3. */
export const hasOwnAccessKey = (env: EnvironmentVariables): boolean =>
  (env.AWS_ACCESS_KEY_ID?.trim() ?? '') !== '';
