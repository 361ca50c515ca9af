import {
  type Deployment,
  InvalidInputError,
  parseSetting,
  parseStoreConfig,
  type StoreConfig,
} from '@cognito-rewind/core';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { CommandContext } from '../io/commandContext.js';
import { parsePoolId } from '../io/options.js';
import { assumedRole } from './restoreRole.js';
import { type StoreOptions, storeSettings } from './storeOptions.js';

/** How a command reaches AWS: where its store is, and whose credentials every client signs with. */
export interface StoreAccess {
  readonly config: StoreConfig;
  /** The role's credentials (`--role-arn`, or the deployment's restore role); absent: the SDK's chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** The deployment the store's names came from (`--deployment`). */
  readonly deployment?: Deployment;
  /** The pools that deployment keeps. */
  readonly pools?: readonly string[];
}

/**
 * The store and the role, from the command's flags, the `REWIND_*` variables and the deployment's
 * outputs file — the one path `chooseStore` takes too. `command` names the role's session. Nothing is
 * called yet: the role is assumed when a client first signs a request.
 */
export function chooseAccess(
  options: StoreOptions,
  ctx: Pick<CommandContext, 'env' | 'cwd'>,
  command: string,
): StoreAccess {
  const { settings, deployment } = storeSettings(options, ctx.env, ctx.cwd);
  const config = parseStoreConfig(settings);
  const roleArn = settings.roleArn === undefined ? undefined : parseSetting('roleArn', settings.roleArn);
  const listed = deployment?.outputs.poolIds;
  const pools = listed === undefined ? undefined : parseSetting('poolIds', listed);
  const region = config.kind === 'aws' ? config.region : undefined;
  return {
    config,
    ...(roleArn === undefined
      ? {}
      : { credentials: assumedRole({ roleArn, command, env: ctx.env, ...(region ? { region } : {}) }) }),
    ...(deployment === undefined ? {} : { deployment }),
    ...(pools === undefined ? {} : { pools }),
  };
}

/** What `openStore` takes of the access besides the config: the role's credentials. */
export const storeCredentials = (access: StoreAccess): { credentials?: AwsCredentialIdentityProvider } =>
  access.credentials === undefined ? {} : { credentials: access.credentials };

/**
 * The pool a command works on: `--pool`, or the deployment's only pool. Several (or none listed) and
 * no `--pool` is exit 2, listing them. A pool the deployment does not keep is worked on, with a
 * warning: its restore role was granted only the deployment's pools.
 */
export function poolOf(
  pool: string | undefined,
  access: StoreAccess,
  ctx: Pick<CommandContext, 'io'>,
): string {
  const { deployment, pools = [] } = access;
  if (pool !== undefined) {
    const poolId = parsePoolId(pool);
    if (deployment !== undefined && pools.length > 0 && !pools.includes(poolId))
      ctx.io.err(
        `warning: pool ${poolId} is not one the deployment in ${deployment.file} keeps (${pools.join(', ')}): its restore role may not reach it`,
      );
    return poolId;
  }
  if (deployment === undefined) throw new InvalidInputError("required option '--pool <id>' not specified");
  const [only, ...more] = pools;
  if (only !== undefined && more.length === 0) return only;
  throw new InvalidInputError(
    only === undefined
      ? `--pool <id> is required: the deployment in ${deployment.file} (stack ${deployment.stack}) lists no pools`
      : `--pool <id> is required: the deployment in ${deployment.file} (stack ${deployment.stack}) keeps several pools: ${pools.join(', ')}`,
  );
}
