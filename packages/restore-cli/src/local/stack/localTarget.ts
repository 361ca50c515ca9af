import { resolve } from 'node:path';
import { FLAG_SETTINGS, type FlagSetting, InvalidInputError, SETTINGS } from '@cognito-rewind/core';
import type { CommandContext } from '../../io/commandContext.js';
import { STORE_ENV, type StoreOptions } from '../../store/storeOptions.js';
import { isStackRunning, readStackFile, type StackInfo, stackFilePath } from './stackFile.js';

/**
 * `--local`: "the store and the Cognito endpoint of the local stack", read from its stack file and
 * turned into the options a command takes anyway, so no command needs to know about the stack.
 */

/** The directory of `pnpm start` when `--local` names none. */
export const DEFAULT_LOCAL_DIR = '.rewind';
export const LOCAL_DIR_ENV = 'REWIND_LOCAL_DIR';

/** A command's options that `--local` fills in (and so must not be given beside it). */
export interface LocalCapable extends StoreOptions {
  endpoint?: string;
  region?: string;
}

const FLAGS: Record<keyof LocalCapable, string> = {
  ...(Object.fromEntries(FLAG_SETTINGS.map((name) => [name, SETTINGS[name].flag])) as Record<
    FlagSetting,
    string
  >),
  endpoint: '--endpoint',
  region: '--region',
  local: '--local',
};

/** What a command does with the stack: read its store only, or also talk to its Cognito. */
export interface LocalUse {
  /** The command calls Cognito (restore, backup, reconcile): the stack must be running. */
  cognito: boolean;
}

/** The directory `--local` means: its own value, else REWIND_LOCAL_DIR, else `.rewind`. */
export function localDir(local: string | true, ctx: Pick<CommandContext, 'cwd' | 'env'>): string {
  const dir = local === true ? ctx.env[LOCAL_DIR_ENV] || DEFAULT_LOCAL_DIR : local;
  return resolve(ctx.cwd, dir);
}

/**
 * The command's options and context with `--local` replaced by the stack's store (and endpoint).
 * Options without `--local` come back as they are.
 */
export async function applyLocal<O extends LocalCapable>(
  options: O,
  ctx: CommandContext,
  use: LocalUse,
): Promise<{ options: O; ctx: CommandContext }> {
  const { local, ...rest } = options;
  if (local === undefined) return { options, ctx };
  const given = (Object.keys(FLAGS) as (keyof LocalCapable)[]).filter(
    (name) => name !== 'local' && rest[name] !== undefined,
  );
  if (given.length > 0)
    throw new InvalidInputError(
      `--local takes the store and the Cognito endpoint from the local stack: leave out ${given.map((name) => FLAGS[name]).join(', ')}`,
    );
  const dir = localDir(local, ctx);
  const info = await readStackFile(dir);
  if (info === undefined)
    throw new InvalidInputError(
      `no local stack in ${dir} (no ${stackFilePath(dir)}): start one with \`pnpm start\``,
    );
  const running = isStackRunning(info);
  if (!running && (use.cognito || info.store.kind === 'aws'))
    throw new InvalidInputError(
      `the local stack in ${dir} is not running (${use.cognito ? 'this command calls its Cognito' : 'its AWS store lives in dynalite and s3rver inside it'}): start it with \`pnpm start\``,
    );
  const filled = { ...(rest as O), ...storeOptionsOf(info), ...(use.cognito ? cognitoOf(info) : {}) };
  return { options: filled, ctx: { ...ctx, env: localEnv(ctx.env) } };
}

function storeOptionsOf({ store }: StackInfo): StoreOptions {
  if (store.kind === 'directory') return { store: store.dir };
  return {
    bucket: store.bucket,
    table: store.table,
    s3Endpoint: store.s3Endpoint,
    dynamodbEndpoint: store.dynamodbEndpoint,
  };
}

const cognitoOf = (info: StackInfo) => ({ endpoint: info.cognitoEndpoint, region: info.region });

/**
 * Everything the stack serves is on loopback: settings in the shell meant for AWS (credentials, a
 * store prefix, a KMS key, an endpoint) must not reach it.
 */
function localEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of [
    ...Object.values(STORE_ENV),
    'COGNITO_ENDPOINT',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
  ])
    delete out[name];
  return out;
}
