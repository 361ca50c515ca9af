import type { Store } from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import type { CommandContext } from '../io/commandContext.js';
import { parseEndpoint, regionFor } from '../io/options.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import type { StoreOptions } from '../store/storeOptions.js';

/** The options of a command that reads a live pool into the store (`backup`, `reconcile`). */
export interface PoolAccessOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  endpoint?: string;
  region?: string;
}

export interface PoolAccess {
  poolId: string;
  store: Store;
  reader: AwsCognitoReader;
  close(): void;
}

/**
 * The pool id checked, the store ready (its table probed before anything is read: a full read can
 * take hours, and must not end in "cannot write"), and a reader for the pool's region and endpoint.
 * Store and Cognito alike are reached as the role, when one is given. `command` names its session.
 */
export async function openPoolAccess(
  options: PoolAccessOptions,
  ctx: CommandContext,
  command: string,
): Promise<PoolAccess> {
  const access = chooseAccess(options, ctx, command);
  const poolId = poolOf(options.pool, access, ctx);
  const endpoint = parseEndpoint(options.endpoint ?? ctx.env.COGNITO_ENDPOINT);
  const region = regionFor(poolId, options.region, ctx.env);
  const credentials = storeCredentials(access);
  const store = await openReadyStore(access.config, { mustExist: false, ...ctx, ...credentials }, poolId);
  const client = createCognitoClient({ endpoint, region, ...credentials });
  return {
    poolId,
    store,
    reader: new AwsCognitoReader(client),
    close: () => {
      client.destroy();
      store.close();
    },
  };
}
