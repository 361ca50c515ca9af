import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CLOCK_TOLERANCE_MS, ServiceClock } from '../../clock/serviceClock.js';
import { InvalidInputError } from '../../errors.js';
import type { BlobStore, ChangeLog, CheckpointStore, Clock, EventTrail } from '../../ports.js';
import { SnapshotStore } from '../../snapshots/snapshotStore.js';
import { isLoopbackEndpoint } from './cognitoClient.js';
import { DynamoChangeLog, POSITION_LAG_MS } from './dynamoChangeLog.js';
import { DynamoCheckpointStore } from './dynamoCheckpointStore.js';
import { createDynamoClients } from './dynamoClient.js';
import { DynamoEventTrail } from './dynamoEventTrail.js';
import { DynamoSnapshotCatalog } from './dynamoSnapshotCatalog.js';
import { S3BlobStore } from './s3BlobStore.js';
import { createS3Client } from './s3Client.js';
import { observeServiceTime } from './serviceTime.js';

/** Where the AWS store lives: a bucket and a change log table, or local stand-ins for them. */
export interface AwsStoreConfig {
  bucket: string;
  table: string;
  prefix?: string;
  /**
   * SSE-KMS with this key for every object written (and, at `store init`, the table's encryption).
   * Without it the bucket's default encryption applies.
   */
  kmsKeyId?: string;
  region?: string;
  /** s3rver and dynalite in tests and the local stack. */
  s3Endpoint?: string;
  dynamodbEndpoint?: string;
  /** Whether the environment has AWS credentials of its own (else a loopback S3 gets s3rver's pair). */
  hasAccessKey?: boolean;
  /**
   * This machine's clock. The store does not write its times: it corrects them by the services' own
   * (`AwsStore.clock`), so that machines whose clocks disagree still agree on positions.
   * @default the system clock
   */
  clock?: Clock;
  /**
   * How far the corrected clock may be from the services' time before writes are refused with
   * `ClockSkewError`; under the change log's position lag (5 minutes). @default 2 minutes
   */
  clockToleranceMs?: number;
  /**
   * Days the event trail keeps an event's sourceIp and userAgent before DynamoDB's TTL deletes them.
   * @default kept until `trail.forgetPersonalData`
   */
  personalDataRetentionDays?: number;
}

/** The AWS store's parts, sharing one S3 and one DynamoDB client. */
export interface AwsStore {
  /**
   * The services' time (`ServiceClock`): what every writer to this store dates what it writes by —
   * appends and positions here, and the snapshots, segments and records the callers make.
   */
  clock: ServiceClock;
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
  const toleranceMs = config.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  if (!(toleranceMs > 0 && toleranceMs < POSITION_LAG_MS))
    throw new InvalidInputError(
      `a clock tolerance of ${toleranceMs} ms is not between 0 and the change log's position lag (${POSITION_LAG_MS} ms)`,
    );
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
  const clock = new ServiceClock({
    ...(config.clock === undefined ? {} : { local: config.clock }),
    toleranceMs,
    // Any answer tells the time: a read of a key no item has is the cheapest call the role may make.
    probe: () =>
      dynamo.doc.send(new GetCommand({ TableName: config.table, Key: { pk: 'clock#probe', sk: '-' } })),
  });
  observeServiceTime(dynamo.client, clock, 'DynamoDB');
  observeServiceTime(s3, clock, 'S3');
  return {
    clock,
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
