import { InvalidInputError } from '@cognito-rewind/core';
import { POSITION_LAG_MS } from '@cognito-rewind/core/adapters/aws';
import { type Command, Option } from 'commander';

/** Where a command's backups live: a directory, or the AWS store (a bucket and a change log table). */
export interface StoreOptions {
  store?: string;
  bucket?: string;
  table?: string;
  prefix?: string;
  s3Endpoint?: string;
  dynamodbEndpoint?: string;
  kmsKeyId?: string;
  /** Seconds: how uncertain the services' time may be before the AWS store refuses to write. */
  clockTolerance?: string;
  /** `--local [dir]`: the store of the local stack (`pnpm start`), filled in before `chooseStore`. */
  local?: string | true;
}

/** Each option's environment variable: set once in a shell or CI job, then every command finds the store. */
export const STORE_ENV = {
  store: 'REWIND_STORE',
  bucket: 'REWIND_BUCKET',
  table: 'REWIND_TABLE',
  prefix: 'REWIND_PREFIX',
  s3Endpoint: 'REWIND_S3_ENDPOINT',
  dynamodbEndpoint: 'REWIND_DYNAMODB_ENDPOINT',
  kmsKeyId: 'REWIND_KMS_KEY_ID',
  clockTolerance: 'REWIND_CLOCK_TOLERANCE_SECONDS',
} as const satisfies Record<Exclude<keyof StoreOptions, 'local'>, string>;

/** Adds the store options every command shares. */
export function addStoreOptions(command: Command): Command {
  const option = (flags: string, description: string, env: string) =>
    // Not commander's `.env()`: it reads process.env, and commands take their environment from the
    // context (tests, the embedded stack). `chooseStore` falls back to the variables instead.
    new Option(flags, `${description} (env ${env})`);
  return command
    .addOption(option('--store <dir>', 'directory holding snapshots and the change log', STORE_ENV.store))
    .addOption(
      option('--bucket <name>', 'AWS store: the S3 bucket of snapshots and delta segments', STORE_ENV.bucket),
    )
    .addOption(
      option(
        '--table <name>',
        'AWS store: the DynamoDB change log table (omit to read the bucket alone)',
        STORE_ENV.table,
      ),
    )
    .addOption(option('--prefix <prefix>', 'AWS store: key prefix inside the bucket', STORE_ENV.prefix))
    .addOption(
      option('--s3-endpoint <url>', 'S3-compatible endpoint (s3rver) instead of AWS', STORE_ENV.s3Endpoint),
    )
    .addOption(
      option(
        '--dynamodb-endpoint <url>',
        'DynamoDB-compatible endpoint (dynalite) instead of AWS',
        STORE_ENV.dynamodbEndpoint,
      ),
    )
    .addOption(
      option(
        '--kms-key-id <id>',
        "AWS store: encrypt new objects (and, at store init, the table) with this KMS key (default: the bucket's default encryption)",
        STORE_ENV.kmsKeyId,
      ),
    )
    .addOption(
      option(
        '--clock-tolerance <seconds>',
        "AWS store: how far from AWS's time (told by its answers) the times written may be before writing is refused (default 120)",
        STORE_ENV.clockTolerance,
      ),
    )
    .addOption(
      new Option(
        '--local [dir]',
        'the store (and Cognito endpoint) of the local stack `pnpm start` runs in dir (default .rewind, env REWIND_LOCAL_DIR)',
      ),
    );
}

export type StoreChoice =
  | { kind: 'directory'; dir: string }
  | {
      kind: 'aws';
      bucket: string;
      table?: string;
      prefix?: string;
      s3Endpoint?: string;
      dynamodbEndpoint?: string;
      kmsKeyId?: string;
      clockToleranceMs?: number;
    };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;

/** Exactly one store: `--store`, or `--bucket` (with `--table` unless reading the bucket alone). */
export function chooseStore(given: StoreOptions, env: NodeJS.ProcessEnv = {}): StoreChoice {
  const options = withEnvironment(given, env);
  const aws = [options.bucket, options.table, options.prefix].some((value) => value !== undefined);
  if (options.store !== undefined && aws)
    throw new InvalidInputError('give either --store <dir> or --bucket/--table, not both');
  if (options.store !== undefined) return { kind: 'directory', dir: options.store };
  if (options.bucket === undefined)
    throw new InvalidInputError(
      options.table === undefined
        ? 'no store: give --store <dir>, or --bucket <name> --table <name> for the AWS store'
        : '--table needs --bucket: the bucket holds the snapshots',
    );
  if (!BUCKET.test(options.bucket))
    throw new InvalidInputError(`--bucket ${options.bucket} is not an S3 bucket name`);
  if (options.table !== undefined && !TABLE.test(options.table))
    throw new InvalidInputError(`--table ${options.table} is not a DynamoDB table name`);
  const { store: _store, local: _local, clockTolerance, ...rest } = options;
  return {
    kind: 'aws',
    ...(rest as Omit<StoreOptions, 'store' | 'local' | 'clockTolerance'>),
    bucket: options.bucket,
    ...(clockTolerance === undefined ? {} : { clockToleranceMs: toleranceMs(clockTolerance) }),
  };
}

/** `--clock-tolerance` in ms: above 0 and under the change log's position lag, which must absorb it. */
function toleranceMs(seconds: string): number {
  const ms = Number(seconds.trim()) * 1000;
  if (seconds.trim() === '' || !(Number.isFinite(ms) && ms > 0 && ms < POSITION_LAG_MS))
    throw new InvalidInputError(
      `--clock-tolerance ${seconds} is not a number of seconds above 0 and under ${POSITION_LAG_MS / 1000} (the change log's position lag)`,
    );
  return ms;
}

/** Options given on the command line win; unset ones come from the environment. */
function withEnvironment(given: StoreOptions, env: NodeJS.ProcessEnv): StoreOptions {
  const options: StoreOptions = { ...given };
  // One kind of store from the environment only when the command line names none.
  const named = given.store !== undefined || given.bucket !== undefined || given.table !== undefined;
  for (const [name, variable] of Object.entries(STORE_ENV) as [keyof typeof STORE_ENV, string][]) {
    const value = env[variable];
    if (options[name] !== undefined || value === undefined || value === '') continue;
    const choosesKind = name === 'store' || name === 'bucket' || name === 'table';
    if (!(named && choosesKind)) options[name] = value;
  }
  return options;
}
