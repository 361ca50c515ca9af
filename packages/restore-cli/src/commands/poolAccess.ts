import type { Store } from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import type { CommandContext } from '../io/commandContext.js';
import { parseEndpoint, parsePoolId, regionFor } from '../io/options.js';
import { chooseStore, type StoreOptions } from '../store/storeOptions.js';

/** The options of a command that reads a live pool into the store (`backup`, `reconcile`). */
export interface PoolAccessOptions extends StoreOptions {
  pool: string;
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
 */
export async function openPoolAccess(options: PoolAccessOptions, ctx: CommandContext): Promise<PoolAccess> {
  const poolId = parsePoolId(options.pool);
  const endpoint = parseEndpoint(options.endpoint ?? ctx.env.COGNITO_ENDPOINT);
  const region = regionFor(poolId, options.region, ctx.env);
  const store = await openReadyStore(chooseStore(options, ctx.env), { mustExist: false, ...ctx }, poolId);
  const client = createCognitoClient({ endpoint, region });
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
