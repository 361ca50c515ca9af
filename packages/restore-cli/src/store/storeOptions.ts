import {
  type Deployment,
  type EnvironmentVariables,
  FLAG_SETTINGS,
  type FlagSetting,
  fromFlags,
  type GivenSettings,
  parseStoreConfig,
  SETTINGS,
  type StoreConfig,
  settingsFromFlags,
} from '@cognito-rewind/core';
import { type Command, Option } from 'commander';
import { readDeployment } from './deploymentFile.js';

/**
 * Where a command's backups live, as its flags give it: a directory, or the AWS store (a bucket and a
 * change log table). Each flag, and the variable it falls back to, is one of core's `SETTINGS`.
 */
export type StoreOptions = { [K in FlagSetting]?: string } & {
  /** `--local [dir]`: the store of the local stack (`pnpm start`), filled in before `chooseStore`. */
  local?: string | true;
};

/** Each option's environment variable: set once in a shell or CI job, then every command finds the store. */
export const STORE_ENV = Object.fromEntries(FLAG_SETTINGS.map((name) => [name, SETTINGS[name].variable])) as {
  readonly [K in FlagSetting]: (typeof SETTINGS)[K]['variable'];
};

/** Each store option's argument and help. */
const HELP: { readonly [K in FlagSetting]: readonly [argument: string, description: string] } = {
  store: ['<dir>', 'directory holding snapshots and the change log'],
  deployment: [
    '<file>',
    'AWS store: the outputs file `cdk deploy --outputs-file` wrote; gives the bucket, table, prefix, KMS key, region and restore role (flags override them)',
  ],
  stack: ['<name>', 'the stack of the --deployment file, when it holds several Cognito Rewind deployments'],
  bucket: ['<name>', 'AWS store: the S3 bucket of snapshots and delta segments'],
  table: ['<name>', 'AWS store: the DynamoDB change log table (omit to read the bucket alone)'],
  prefix: ['<prefix>', 'AWS store: key prefix inside the bucket'],
  s3Endpoint: ['<url>', 'S3-compatible endpoint (s3rver) instead of AWS'],
  dynamodbEndpoint: ['<url>', 'DynamoDB-compatible endpoint (dynalite) instead of AWS'],
  kmsKeyId: [
    '<id>',
    "AWS store: encrypt new objects (and, at store init, the table) with this KMS key (default: the bucket's default encryption)",
  ],
  clockTolerance: [
    '<seconds>',
    "AWS store: how far from AWS's time (told by its answers) the times written may be before writing is refused (default 120)",
  ],
  roleArn: [
    '<arn>',
    "assume this IAM role for every AWS call (S3, DynamoDB, Cognito); default: the --deployment's restore role, else the SDK's credential chain (AWS_PROFILE…)",
  ],
};

/** Adds the store options every command shares. */
export function addStoreOptions(command: Command): Command {
  for (const name of FLAG_SETTINGS) {
    const [argument, description] = HELP[name];
    const { flag, variable } = SETTINGS[name];
    // Not commander's `.env()`: it reads process.env, and commands take their environment from the
    // context (tests, the embedded stack). `chooseStore` falls back to the variables instead.
    command.addOption(new Option(`${flag} ${argument}`, `${description} (env ${variable})`));
  }
  return command.addOption(
    new Option(
      '--local [dir]',
      'the store (and Cognito endpoint) of the local stack `pnpm start` runs in dir (default .rewind, env REWIND_LOCAL_DIR)',
    ),
  );
}

/**
 * Every store setting: the flags, the `REWIND_*` variables for what they leave out, and the outputs of
 * the deployment they name (its file read against `cwd`) — core's one configuration parser.
 */
export function storeSettings(
  given: StoreOptions,
  env: EnvironmentVariables = {},
  cwd = '',
): { settings: GivenSettings; deployment?: Deployment } {
  const deployment = readDeployment(fromFlags(given, env), cwd);
  return {
    settings: settingsFromFlags(given, env, deployment),
    ...(deployment === undefined ? {} : { deployment }),
  };
}

/**
 * Exactly one store: `--store`, or `--deployment` (a deployed stack's outputs), or `--bucket` (with
 * `--table` unless reading the bucket alone), the `REWIND_*` variables filling what the command line
 * leaves out. With its role: `chooseAccess`.
 */
export function chooseStore(given: StoreOptions, env: EnvironmentVariables = {}, cwd = ''): StoreConfig {
  return parseStoreConfig(storeSettings(given, env, cwd).settings);
}
