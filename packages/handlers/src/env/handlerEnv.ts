import { type AwsStoreConfig, POSITION_LAG_MS } from '@cognito-rewind/core/adapters/aws';
import { HandlerConfigError } from '../errors.js';

/**
 * The handlers' settings, as read from the Lambda environment: where the AWS store is
 * (`REWIND_BUCKET`, `REWIND_TABLE`, `REWIND_PREFIX`, `REWIND_KMS_KEY_ID`, `AWS_REGION`, and
 * `REWIND_S3_ENDPOINT` / `REWIND_DYNAMODB_ENDPOINT` for local servers in tests), plus Cognito's, and
 * `REWIND_PERSONAL_DATA_RETENTION_DAYS`: how long the event trail keeps callers' IPs and user agents,
 * and `REWIND_CLOCK_TOLERANCE_SECONDS`: how uncertain the services' time may be before writes are refused.
 */
export interface HandlerEnv extends Omit<AwsStoreConfig, 'clock' | 'hasAccessKey'> {
  /** REWIND_COGNITO_ENDPOINT: cognito-local in tests. */
  cognitoEndpoint?: string;
  /** AWS_ACCESS_KEY_ID is set: the SDK's chain has credentials, so none are made up for a local S3. */
  hasAccessKey: boolean;
}

const optional = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = optional(env, name);
  if (value === undefined) throw new HandlerConfigError(name, 'is not set');
  return value;
};

const endpoint = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HandlerConfigError(name, `is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HandlerConfigError(name, `is not an http(s) URL: ${JSON.stringify(value)}`);
  return value;
};

/** A positive number of days (fractions allowed), or undefined when not set. */
const days = (env: NodeJS.ProcessEnv, name: string): number | undefined => {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new HandlerConfigError(name, `is not a positive number of days: ${JSON.stringify(value)}`);
  return parsed;
};

/**
 * Seconds, fractions allowed, as milliseconds: more than 0 and less than the change log's position lag,
 * which has to absorb the clock's error. Undefined when not set.
 */
const tolerance = (env: NodeJS.ProcessEnv, name: string): number | undefined => {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  const ms = Number(value) * 1000;
  if (!(Number.isFinite(ms) && ms > 0 && ms < POSITION_LAG_MS))
    throw new HandlerConfigError(
      name,
      `is not a number of seconds above 0 and under ${POSITION_LAG_MS / 1000} (the change log's position lag): ${JSON.stringify(value)}`,
    );
  return ms;
};

const some = <T extends object>(entries: T): Partial<T> =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Reads and checks the handlers' environment; a missing or unusable variable is named. */
export function readHandlerEnv(env: NodeJS.ProcessEnv): HandlerEnv {
  return {
    bucket: required(env, 'REWIND_BUCKET'),
    table: required(env, 'REWIND_TABLE'),
    ...some({
      prefix: optional(env, 'REWIND_PREFIX'),
      kmsKeyId: optional(env, 'REWIND_KMS_KEY_ID'),
      region: optional(env, 'AWS_REGION'),
      s3Endpoint: endpoint(env, 'REWIND_S3_ENDPOINT'),
      dynamodbEndpoint: endpoint(env, 'REWIND_DYNAMODB_ENDPOINT'),
      cognitoEndpoint: endpoint(env, 'REWIND_COGNITO_ENDPOINT'),
      personalDataRetentionDays: days(env, 'REWIND_PERSONAL_DATA_RETENTION_DAYS'),
      clockToleranceMs: tolerance(env, 'REWIND_CLOCK_TOLERANCE_SECONDS'),
    }),
    hasAccessKey: optional(env, 'AWS_ACCESS_KEY_ID') !== undefined,
  };
}

/** Cognito's pattern for pool ids (`us-east-1_Ab12Cd34E`). */
const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

/**
 * REWIND_POOL_IDS: comma-separated pool ids, spaces allowed around the commas. Read when a scheduled
 * handler asks for its pools, not at start: capture needs it only to find the pool of a public call, and goes on without it.
 */
export function readPoolIds(env: NodeJS.ProcessEnv): string[] {
  const name = 'REWIND_POOL_IDS';
  const ids = required(env, name)
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const bad = ids.find((id) => !POOL_ID.test(id));
  if (bad !== undefined)
    throw new HandlerConfigError(name, `holds ${JSON.stringify(bad)}, not a user pool id`);
  if (ids.length === 0) throw new HandlerConfigError(name, 'names no pool');
  return [...new Set(ids)];
}
