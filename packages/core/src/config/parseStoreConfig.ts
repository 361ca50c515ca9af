import { z } from 'zod';
import { POSITION_LAG_MS } from '../clock/serviceClock.js';
import { ConfigError, InvalidInputError } from '../errors.js';
import { isPoolId } from '../model/poolId.js';
import { type Deployment, withDeployment } from './deployment.js';
import {
  type EnvironmentVariables,
  type FlagSetting,
  fromEnvironment,
  fromFlags,
  fromVariable,
  type GivenSetting,
  type GivenSettings,
  isFlag,
  LAMBDA_STORE_SETTINGS,
  SETTINGS,
  type SettingName,
} from './settings.js';
import type { AwsLocation, AwsStoreConfig, StoreConfig } from './storeConfig.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const REGION = /^[a-z0-9-]{2,32}$/;
/** An IAM role in any partition (aws, aws-cn, aws-us-gov…), its path allowed: what STS AssumeRole takes. */
const ROLE_ARN = /^arn:aws[-a-z]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: 'is not an http(s) URL' });
});

/** Seconds, fractions allowed, as ms: above 0 and under the change log's position lag, which absorbs it. */
const toleranceMs = z.string().transform((value, ctx) => {
  const ms = Number(value.trim()) * 1000;
  if (value.trim() !== '' && Number.isFinite(ms) && ms > 0 && ms < POSITION_LAG_MS) return ms;
  ctx.addIssue({
    code: 'custom',
    message: `is not a number of seconds above 0 and under ${POSITION_LAG_MS / 1000} (the change log's position lag)`,
  });
  return z.NEVER;
});

/** A positive number of days, fractions allowed. */
const days = z.string().transform((value, ctx) => {
  const parsed = Number(value);
  if (value.trim() !== '' && Number.isFinite(parsed) && parsed > 0) return parsed;
  ctx.addIssue({ code: 'custom', message: 'is not a positive number of days' });
  return z.NEVER;
});

/** Comma-separated pool ids, spaces allowed around the commas; empty items and repeats dropped. */
const poolIds = z.string().transform((value, ctx) => {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const bad = ids.find((id) => !isPoolId(id));
  if (bad !== undefined)
    ctx.addIssue({ code: 'custom', message: `holds ${JSON.stringify(bad)}, not a user pool id` });
  else if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'names no pool' });
  else return [...new Set(ids)];
  return z.NEVER;
});

/** What each setting's text must be, and what it becomes. */
const VALUES = {
  // An empty name would quietly mean the working directory.
  store: z.string().min(1, 'names no directory'),
  deployment: z.string().min(1, 'names no file'),
  stack: z.string().min(1, 'names no stack'),
  bucket: z.string().regex(BUCKET, 'is not an S3 bucket name'),
  table: z.string().regex(TABLE, 'is not a DynamoDB table name'),
  prefix: z.string(),
  s3Endpoint: httpUrl,
  dynamodbEndpoint: httpUrl,
  kmsKeyId: z.string(),
  clockTolerance: toleranceMs,
  roleArn: z.string().regex(ROLE_ARN, 'is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)'),
  region: z.string().regex(REGION, 'is not an AWS region (e.g. eu-west-1)'),
  personalDataRetentionDays: days,
  cognitoEndpoint: httpUrl,
  poolIds,
  // Checked with the burst threshold's own limits where they are used (`burstThreshold`).
  burstCount: z.string().regex(/^\d+$/, 'is not a whole number'),
  burstMinutes: z.string().regex(/^\d+$/, 'is not a whole number'),
  eventBridgeEndpoint: httpUrl,
} satisfies Record<SettingName, z.ZodType<unknown, string>>;

export type SettingValue<K extends SettingName> = z.output<(typeof VALUES)[K]>;

/**
 * One setting's value, checked. What is wrong is a `ConfigError` naming the flag with its value
 * (`--bucket Not_A_Bucket is not an S3 bucket name`), or the variable with its value quoted
 * (`REWIND_BUCKET is not an S3 bucket name: "Not_A_Bucket"`).
 */
export function parseSetting<K extends SettingName>(name: K, given: GivenSetting): SettingValue<K> {
  const parsed = VALUES[name].safeParse(given.value);
  if (parsed.success) return parsed.data as SettingValue<K>;
  const problem = parsed.error.issues[0]?.message ?? 'is not valid';
  const shown = given.value === '' ? '""' : given.value;
  throw new ConfigError(
    given.from,
    isFlag(given.from) ? `${shown} ${problem}` : `${problem}: ${JSON.stringify(given.value)}`,
  );
}

/** A variable's value, checked, or undefined when it is not set (or blank). */
export function readSetting<K extends SettingName>(
  env: EnvironmentVariables,
  name: K,
): SettingValue<K> | undefined {
  const given = fromVariable(env, name);
  return given === undefined ? undefined : parseSetting(name, given);
}

/** A variable's value, checked; `<VARIABLE> is not set` when it is not. */
export function requireSetting<K extends SettingName>(env: EnvironmentVariables, name: K): SettingValue<K> {
  const given = fromVariable(env, name);
  if (given === undefined) throw new ConfigError(SETTINGS[name].variable, 'is not set');
  return parseSetting(name, given);
}

/** The bucket with the optional settings of an AWS store, those given, checked. */
function awsLocation(given: GivenSettings, bucket: string): AwsLocation {
  const location: AwsLocation = { bucket };
  const { prefix, kmsKeyId, region, s3Endpoint, dynamodbEndpoint, clockTolerance } = given;
  const retention = given.personalDataRetentionDays;
  if (prefix !== undefined) location.prefix = parseSetting('prefix', prefix);
  if (kmsKeyId !== undefined) location.kmsKeyId = parseSetting('kmsKeyId', kmsKeyId);
  if (region !== undefined) location.region = parseSetting('region', region);
  if (s3Endpoint !== undefined) location.s3Endpoint = parseSetting('s3Endpoint', s3Endpoint);
  if (dynamodbEndpoint !== undefined)
    location.dynamodbEndpoint = parseSetting('dynamodbEndpoint', dynamodbEndpoint);
  if (clockTolerance !== undefined)
    location.clockToleranceMs = parseSetting('clockTolerance', clockTolerance);
  if (retention !== undefined)
    location.personalDataRetentionDays = parseSetting('personalDataRetentionDays', retention);
  return location;
}

/** How to name a setting beside another given the same way (both flags, or both variables). */
const nameLike = (other: GivenSetting, name: SettingName): string =>
  isFlag(other.from) ? (SETTINGS[name] as { flag: string }).flag : SETTINGS[name].variable;

/**
 * Exactly one store from what was given: a directory, or a bucket with its table, or a bucket alone.
 * The settings of the kind not chosen are left unread.
 */
export function parseStoreConfig(given: GivenSettings): StoreConfig {
  const { store, bucket, table, prefix } = given;
  const aws = bucket ?? table ?? prefix;
  if (store !== undefined && aws !== undefined)
    throw new InvalidInputError(
      isFlag(store.from)
        ? 'give either --store <dir> or --bucket/--table, not both'
        : `give either ${store.from} or ${nameLike(store, 'bucket')}/${nameLike(store, 'table')}, not both`,
    );
  if (store !== undefined) return { kind: 'directory', dir: parseSetting('store', store) };
  if (bucket === undefined)
    throw new InvalidInputError(
      table === undefined
        ? 'no store: give --store <dir>, or --bucket <name> --table <name> for the AWS store'
        : `${table.from} needs ${nameLike(table, 'bucket')}: the bucket holds the snapshots`,
    );
  // The bucket, then the table, then the rest: the names first, as people check them.
  const bucketName = parseSetting('bucket', bucket);
  const tableName = table === undefined ? undefined : parseSetting('table', table);
  const location = awsLocation(given, bucketName);
  return tableName === undefined
    ? { kind: 'aws', ...location }
    : { kind: 'aws', ...location, table: tableName };
}

/**
 * The CLI's settings: its flags, the `REWIND_*` variables for what they leave out, and the outputs of
 * the deployment they name (`--deployment`), read and parsed by the caller (`parseDeployment`).
 */
export function settingsFromFlags(
  flags: { readonly [K in FlagSetting]?: string | undefined },
  env: EnvironmentVariables = {},
  deployment?: Deployment,
): GivenSettings {
  return withDeployment(fromFlags(flags, env), deployment);
}

/** The CLI's store: its flags, the `REWIND_*` variables for what they leave out, its deployment's outputs. */
export function storeConfigFromFlags(
  flags: { readonly [K in FlagSetting]?: string | undefined },
  env: EnvironmentVariables = {},
  deployment?: Deployment,
): StoreConfig {
  return parseStoreConfig(settingsFromFlags(flags, env, deployment));
}

/**
 * The Lambda functions' store, from their environment: always the AWS store with its table, so
 * `REWIND_BUCKET` and `REWIND_TABLE` are required.
 */
export function lambdaStoreConfig(env: EnvironmentVariables): AwsStoreConfig {
  const bucket = requireSetting(env, 'bucket');
  const table = requireSetting(env, 'table');
  return { kind: 'aws', ...awsLocation(fromEnvironment(env, LAMBDA_STORE_SETTINGS), bucket), table };
}
