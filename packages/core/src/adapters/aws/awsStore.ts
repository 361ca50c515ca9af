import { resolve } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CLOCK_TOLERANCE_MS, POSITION_LAG_MS, ServiceClock } from '../../clock/serviceClock.js';
import type { AwsLocation, AwsStoreConfig, BucketStoreConfig } from '../../config/storeConfig.js';
import { InvalidInputError } from '../../errors.js';
import { LOCAL_STATE_FOLDER } from '../../layout/storeLayout.js';
import type { Clock } from '../../ports.js';
import { archiveRecords } from '../../segments/archiveRecords.js';
import { SegmentChangeLog } from '../../segments/segmentChangeLog.js';
import { SnapshotStore } from '../../snapshots/snapshotStore.js';
import type { FullStore, Store } from '../../store/store.js';
import {
  type AwsStoreClientOptions,
  bucketLabel,
  storeDynamoClients,
  storeS3Client,
} from './awsStoreClients.js';
import { DynamoChangeLog } from './dynamoChangeLog.js';
import { DynamoCheckpointStore } from './dynamoCheckpointStore.js';
import { DynamoEventTrail } from './dynamoEventTrail.js';
import { DynamoSnapshotCatalog } from './dynamoSnapshotCatalog.js';
import { S3BlobStore } from './s3BlobStore.js';
import { observeServiceTime } from './serviceTime.js';

/** How the AWS store is opened on this machine (where it is: `AwsStoreConfig`). */
export interface AwsOpenOptions extends AwsStoreClientOptions {
  /**
   * This machine's clock. The store does not write its times: it corrects them by the services' own
   * (`Store.clock`), so that machines whose clocks disagree still agree on positions.
   * @default the system clock
   */
  readonly clock?: Clock;
  /** Where what stays on this machine lives (a restore's journal). @default `.rewind` under the working directory */
  readonly localDir?: string;
}

/** The AWS store: its clock is always the services' time. */
export type AwsStore = FullStore & { clock: ServiceClock };

/** The services' time, which `probe` asks for when no answer has told it yet. */
function serviceClock(
  config: Pick<AwsLocation, 'clockToleranceMs'> & AwsOpenOptions,
  probe?: () => Promise<unknown>,
): ServiceClock {
  const toleranceMs = config.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  if (!(toleranceMs > 0 && toleranceMs < POSITION_LAG_MS))
    throw new InvalidInputError(
      `a clock tolerance of ${toleranceMs} ms is not between 0 and the change log's position lag (${POSITION_LAG_MS} ms)`,
    );
  return new ServiceClock({
    ...(config.clock === undefined ? {} : { local: config.clock }),
    toleranceMs,
    ...(probe === undefined ? {} : { probe }),
  });
}

const sse = (kmsKeyId: string | undefined) => (kmsKeyId === undefined ? {} : { sse: { kmsKeyId } });

/**
 * The S3 bucket and DynamoDB table wired as every part of the system uses them — the CLI, the Lambda
 * handlers and the local stack alike: snapshots with the table's catalog, the change log with the
 * bucket for oversized records, checkpoints and the event trail in the same table. Credentials are
 * those given, else the SDK's chain (placeholders on loopback: `awsStoreClients`).
 */
export function openAwsStore(config: Omit<AwsStoreConfig, 'kind'> & AwsOpenOptions): AwsStore {
  const s3 = storeS3Client(config, config);
  const dynamo = storeDynamoClients(config, config);
  const blobs = new S3BlobStore(s3, {
    bucket: config.bucket,
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    ...sse(config.kmsKeyId),
  });
  const table = { tableName: config.table, bucket: config.bucket };
  const clock = serviceClock(config, () =>
    // Any answer tells the time: a read of a key no item has is the cheapest call the role may make.
    dynamo.doc.send(new GetCommand({ TableName: config.table, Key: { pk: 'clock#probe', sk: '-' } })),
  );
  observeServiceTime(dynamo.client, clock, 'DynamoDB');
  observeServiceTime(s3, clock, 'S3');
  const retention = config.personalDataRetentionDays;
  return {
    label: `${bucketLabel(config)} + table ${config.table}`,
    clock,
    blobs,
    changeLog: new DynamoChangeLog(dynamo.doc, { ...table, blobs, clock }),
    snapshots: new SnapshotStore(blobs, { catalog: new DynamoSnapshotCatalog(dynamo.doc, table) }),
    checkpoints: new DynamoCheckpointStore(dynamo.doc, { ...table, clock }),
    trail: new DynamoEventTrail(dynamo.doc, {
      ...table,
      ...(retention === undefined ? {} : { personalDataRetentionDays: retention }),
    }),
    localDir: config.localDir ?? resolve(LOCAL_STATE_FOLDER),
    archive: (poolId, records) => archiveRecords(blobs, poolId, records, clock),
    close: () => {
      s3.destroy();
      dynamo.client.destroy();
    },
  };
}

/**
 * The bucket with no table: the change log read back from its delta segments (what a DR region
 * holds), read-only. What a command writes there (a restore's history) goes to new segments, named by
 * S3's time as the archivers' are.
 */
export function openBucketStore(config: BucketStoreConfig & AwsOpenOptions): Store {
  const s3 = storeS3Client(config, config);
  const clock = serviceClock(config);
  observeServiceTime(s3, clock, 'S3');
  const blobs = new S3BlobStore(s3, {
    bucket: config.bucket,
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    ...sse(config.kmsKeyId),
  });
  return {
    label: `${bucketLabel(config)} (the bucket alone: delta segments, read-only)`,
    blobs,
    snapshots: new SnapshotStore(blobs),
    changeLog: new SegmentChangeLog(blobs, { clock }),
    readOnlyLog: true,
    localDir: config.localDir ?? resolve(LOCAL_STATE_FOLDER),
    clock,
    // In a DR region the bucket is all there is: what a restore did goes there, where reads find it.
    archive: (poolId, records) => archiveRecords(blobs, poolId, records, clock),
    close: () => s3.destroy(),
  };
}
