import {
  type BlobStore,
  type ChangeLog,
  type CheckpointStore,
  type Clock,
  type CognitoReader,
  type EventTrail,
  type SnapshotStore,
  systemClock,
} from '@cognito-rewind/core';
import { AwsCognitoReader, openAwsStore } from '@cognito-rewind/core/adapters/aws';
import { readHandlerEnv, readPoolIds } from './handlerEnv.js';

/** Everything the handlers take, wired to AWS: spread it into any of the factories. */
export interface HandlerDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  snapshots: SnapshotStore;
  blobs: BlobStore;
  checkpoints: CheckpointStore;
  /** The audit trail of captured events, in the store's table. */
  trail: EventTrail;
  /**
   * The store's clock: the local one corrected by DynamoDB's and S3's time (`ServiceClock`), so what a
   * handler dates (segments, snapshots, records, trail entries, checkpoints) agrees with every other
   * container's dates whatever its own clock says.
   */
  clock: Clock;
  /** REWIND_POOL_IDS, checked when asked for (capture asks only to find a public call's pool, and goes on without). */
  pools: () => Promise<string[]>;
  /** Releases the SDK clients' sockets: for tests and local runs, a Lambda container never needs it. */
  close(): void;
}

/**
 * The AWS wiring of the handlers, from the Lambda environment (variables in `handlerEnv.ts`): the
 * same store the CLI opens (`openAwsStore`), and a Cognito reader. Clients are made once here and
 * shared by every invocation of the container. Credentials come from the SDK's chain (the function's
 * role); loopback endpoints get placeholders, so tests need no AWS account. `localClock` is the
 * container's own clock, which only the services' time corrects (a test skews it).
 */
export function handlerDepsFromEnv(env: NodeJS.ProcessEnv, localClock: Clock = systemClock): HandlerDeps {
  const config = readHandlerEnv(env);
  const store = openAwsStore({ ...config, clock: localClock });
  const clock = store.clock;
  const reader = new AwsCognitoReader({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.cognitoEndpoint === undefined ? {} : { endpoint: config.cognitoEndpoint }),
  });
  return {
    reader,
    changeLog: store.changeLog,
    snapshots: store.snapshots,
    blobs: store.blobs,
    checkpoints: store.checkpoints,
    trail: store.trail,
    clock,
    pools: async () => readPoolIds(env),
    close: () => {
      reader.close();
      store.close();
    },
  };
}
