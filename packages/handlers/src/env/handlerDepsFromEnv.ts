import { type Clock, type CognitoReader, type FullStore, systemClock } from '@cognito-rewind/core';
import { openStore } from '@cognito-rewind/core/adapters';
import { AwsCognitoReader } from '@cognito-rewind/core/adapters/aws';
import { readHandlerEnv, readPoolIds } from './handlerEnv.js';

/**
 * Everything the handlers take, wired to AWS: spread it into any of the factories. The store's parts
 * are the one `Store` every part of the system opens; its clock is the local one corrected by
 * DynamoDB's and S3's time (`ServiceClock`), so what a handler dates (segments, snapshots, records,
 * trail entries, checkpoints) agrees with every other container's dates whatever its own clock says.
 */
export interface HandlerDeps extends FullStore {
  reader: CognitoReader;
  /** REWIND_POOL_IDS, checked when asked for (capture asks only to find a public call's pool, and goes on without). */
  pools: () => Promise<string[]>;
  /** Releases the SDK clients' sockets: for tests and local runs, a Lambda container never needs it. */
  close(): void;
}

/**
 * The AWS wiring of the handlers, from the Lambda environment (variables in `handlerEnv.ts`): the
 * same store the CLI opens (`openStore`), and a Cognito reader. Clients are made once here and
 * shared by every invocation of the container. Credentials come from the SDK's chain (the function's
 * role); loopback endpoints get placeholders, so tests need no AWS account. `localClock` is the
 * container's own clock, which only the services' time corrects (a test skews it).
 */
export function handlerDepsFromEnv(env: NodeJS.ProcessEnv, localClock: Clock = systemClock): HandlerDeps {
  const { cognitoEndpoint, hasAccessKey: _hasAccessKey, ...config } = readHandlerEnv(env);
  const store = openStore({ kind: 'aws', ...config }, { env, clock: localClock });
  const reader = new AwsCognitoReader({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(cognitoEndpoint === undefined ? {} : { endpoint: cognitoEndpoint }),
  });
  return {
    ...store,
    reader,
    pools: async () => readPoolIds(env),
    close: () => {
      reader.close();
      store.close();
    },
  };
}
