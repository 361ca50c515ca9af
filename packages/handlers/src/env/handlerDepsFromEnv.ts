import {
  type BlobStore,
  type ChangeLog,
  type CheckpointStore,
  type Clock,
  type CognitoReader,
  SnapshotStore,
  systemClock,
} from '@cognito-rewind/core';
import {
  AwsCognitoReader,
  createDynamoClients,
  createS3Client,
  DynamoChangeLog,
  DynamoCheckpointStore,
  DynamoSnapshotCatalog,
  isLoopbackEndpoint,
  S3BlobStore,
} from '@cognito-rewind/core/adapters/aws';
import { readHandlerEnv, readPoolIds } from './handlerEnv.js';

/** Everything the three handlers take, wired to AWS: spread it into any of the factories. */
export interface HandlerDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  snapshots: SnapshotStore;
  blobs: BlobStore;
  checkpoints: CheckpointStore;
  clock: Clock;
  /** REWIND_POOL_IDS, checked when asked for (capture asks only to find a public call's pool, and goes on without). */
  pools: () => Promise<string[]>;
  /** Releases the SDK clients' sockets: for tests and local runs, a Lambda container never needs it. */
  close(): void;
}

/** The only keys s3rver accepts; sent only to a loopback endpoint when the environment has none. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * The AWS wiring of the handlers, from the Lambda environment (variables in `handlerEnv.ts`). Clients
 * are made once here and shared by every invocation of the container. Credentials come from the SDK's
 * chain (the function's role); loopback endpoints get placeholders, so tests need no AWS account.
 */
export function handlerDepsFromEnv(env: NodeJS.ProcessEnv): HandlerDeps {
  const config = readHandlerEnv(env);
  const region = config.region === undefined ? {} : { region: config.region };
  const localS3 = config.s3Endpoint !== undefined && isLoopbackEndpoint(config.s3Endpoint);
  const s3 = createS3Client({
    ...region,
    ...(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    ...(localS3 && !config.hasAccessKey ? { credentials: S3RVER_CREDENTIALS } : {}),
  });
  const blobs = new S3BlobStore(s3, {
    bucket: config.bucket,
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    ...(config.kmsKeyId === undefined ? {} : { sse: { kmsKeyId: config.kmsKeyId } }),
  });
  const dynamo = createDynamoClients({
    ...region,
    ...(config.dynamodbEndpoint === undefined ? {} : { endpoint: config.dynamodbEndpoint }),
  });
  const table = { tableName: config.table, bucket: config.bucket };
  const clock = systemClock;
  const reader = new AwsCognitoReader({
    ...region,
    ...(config.cognitoEndpoint === undefined ? {} : { endpoint: config.cognitoEndpoint }),
  });
  return {
    reader,
    changeLog: new DynamoChangeLog(dynamo.doc, { ...table, blobs, clock }),
    snapshots: new SnapshotStore(blobs, { catalog: new DynamoSnapshotCatalog(dynamo.doc, table) }),
    blobs,
    checkpoints: new DynamoCheckpointStore(dynamo.doc, { ...table, clock }),
    clock,
    pools: async () => readPoolIds(env),
    close: () => {
      reader.close();
      s3.destroy();
      dynamo.client.destroy();
    },
  };
}
