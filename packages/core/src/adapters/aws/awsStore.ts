import type { BlobStore, ChangeLog, CheckpointStore, Clock, EventTrail } from '../../ports.js';
import { systemClock } from '../../ports.js';
import { SnapshotStore } from '../../snapshots/snapshotStore.js';
import { isLoopbackEndpoint } from './cognitoClient.js';
import { DynamoChangeLog } from './dynamoChangeLog.js';
import { DynamoCheckpointStore } from './dynamoCheckpointStore.js';
import { createDynamoClients } from './dynamoClient.js';
import { DynamoEventTrail } from './dynamoEventTrail.js';
import { DynamoSnapshotCatalog } from './dynamoSnapshotCatalog.js';
import { S3BlobStore } from './s3BlobStore.js';
import { createS3Client } from './s3Client.js';

/** Where the AWS store lives: a bucket and a change log table, or local stand-ins for them. */
export interface AwsStoreConfig {
  bucket: string;
  table: string;
  prefix?: string;
  /** SSE-KMS for every object written; SSE-S3 without it. */
  kmsKeyId?: string;
  region?: string;
  /** s3rver and dynalite in tests and the local stack. */
  s3Endpoint?: string;
  dynamodbEndpoint?: string;
  /** Whether the environment has AWS credentials of its own (else a loopback S3 gets s3rver's pair). */
  hasAccessKey?: boolean;
  clock?: Clock;
  /**
   * Days the event trail keeps an event's sourceIp and userAgent before DynamoDB's TTL deletes them.
   * @default kept until `trail.forgetPersonalData`
   */
  personalDataRetentionDays?: number;
}

/** The AWS store's parts, sharing one S3 and one DynamoDB client. */
export interface AwsStore {
  blobs: BlobStore;
  changeLog: ChangeLog;
  snapshots: SnapshotStore;
  checkpoints: CheckpointStore;
  /** Every CloudTrail event capture received, queryable by caller, event name, entity and time. */
  trail: EventTrail;
  /** Releases the clients' sockets (tests, CLI runs; a Lambda container never needs it). */
  close(): void;
}

/** The only keys s3rver accepts; sent only to a loopback endpoint, and only without keys of one's own. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * The S3 bucket and DynamoDB table wired as every part of the system uses them — the CLI and the
 * Lambda handlers alike: snapshots with the table's catalog, the change log with the bucket for
 * oversized records, checkpoints and the event trail in the same table. Credentials come from the
 * SDK's chain.
 */
export function openAwsStore(config: AwsStoreConfig): AwsStore {
  const clock = config.clock ?? systemClock;
  const region = config.region === undefined ? {} : { region: config.region };
  const localS3 = config.s3Endpoint !== undefined && isLoopbackEndpoint(config.s3Endpoint);
  const s3 = createS3Client({
    ...region,
    ...(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    ...(localS3 && config.hasAccessKey !== true ? { credentials: S3RVER_CREDENTIALS } : {}),
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
  return {
    blobs,
    changeLog: new DynamoChangeLog(dynamo.doc, { ...table, blobs, clock }),
    snapshots: new SnapshotStore(blobs, { catalog: new DynamoSnapshotCatalog(dynamo.doc, table) }),
    checkpoints: new DynamoCheckpointStore(dynamo.doc, { ...table, clock }),
    trail: new DynamoEventTrail(dynamo.doc, {
      ...table,
      ...(config.personalDataRetentionDays === undefined
        ? {}
        : { personalDataRetentionDays: config.personalDataRetentionDays }),
    }),
    close: () => {
      s3.destroy();
      dynamo.client.destroy();
    },
  };
}
