import { type Clock, SnapshotStore, systemClock } from '@cognito-rewind/core';
import {
  AwsCognitoReader,
  AwsCognitoWriter,
  createChangeLogTable,
  createDynamoClients,
  createS3Client,
  DynamoChangeLog,
  DynamoCheckpointStore,
  DynamoEventTrail,
  DynamoSnapshotCatalog,
  S3BlobStore,
} from '@cognito-rewind/core/adapters/aws';
import {
  createBucket,
  S3RVER_CREDENTIALS,
  startCognitoLocal,
  startDynalite,
  startS3rver,
} from '@cognito-rewind/emulators';

export interface StackOptions {
  /** Start cognito-local too (the archive tests need no Cognito). @default true */
  cognito?: boolean;
  /** Stamps appends and dates positions of the change log, names segments. @default the system clock */
  clock?: Clock;
}

const BUCKET = 'rewind-handlers-test';
const TABLE = 'rewind-handlers-test';

/**
 * The AWS store on loopback servers, reached through the real SDK v3 clients: dynalite (the change
 * log table, checkpoints, snapshot catalog, event trail), s3rver (snapshots, segments) and cognito-local. `env` is
 * the same wiring as Lambda environment variables, for `handlerDepsFromEnv`.
 */
export async function startLoopbackStack(options: StackOptions = {}) {
  const clock = options.clock ?? systemClock;
  const [dynalite, s3rver, cognitoLocal] = await Promise.all([
    startDynalite(),
    startS3rver(),
    options.cognito === false ? undefined : startCognitoLocal(),
  ]);
  const dynamo = createDynamoClients({ endpoint: dynalite.endpoint });
  await createChangeLogTable(dynamo.client, TABLE);
  const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
  await createBucket(s3, BUCKET);
  const blobs = new S3BlobStore(s3, { bucket: BUCKET });
  const table = { tableName: TABLE, bucket: BUCKET };
  // Without cognito-local the reader points at the discard port: a test that calls it fails at once.
  const cognitoEndpoint = cognitoLocal?.endpoint ?? 'http://127.0.0.1:9';
  const reader = new AwsCognitoReader({ endpoint: cognitoEndpoint });
  const writer = new AwsCognitoWriter({ endpoint: cognitoEndpoint });
  return {
    clock,
    reader,
    writer,
    blobs,
    changeLog: new DynamoChangeLog(dynamo.doc, { ...table, blobs, clock }),
    snapshots: new SnapshotStore(blobs, { catalog: new DynamoSnapshotCatalog(dynamo.doc, table) }),
    checkpoints: new DynamoCheckpointStore(dynamo.doc, { ...table, clock }),
    trail: new DynamoEventTrail(dynamo.doc, table),
    env: {
      AWS_REGION: 'us-east-1',
      REWIND_BUCKET: BUCKET,
      REWIND_TABLE: TABLE,
      REWIND_S3_ENDPOINT: s3rver.endpoint,
      REWIND_DYNAMODB_ENDPOINT: dynalite.endpoint,
      REWIND_COGNITO_ENDPOINT: cognitoEndpoint,
    } satisfies NodeJS.ProcessEnv,
    async stop() {
      reader.close();
      writer.close();
      s3.destroy();
      dynamo.client.destroy();
      await Promise.all([dynalite.stop(), s3rver.stop(), cognitoLocal?.stop()]);
    },
  };
}

export type LoopbackStack = Awaited<ReturnType<typeof startLoopbackStack>>;
