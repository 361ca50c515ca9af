import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  archiveRecords,
  type BlobStore,
  type ChangeLog,
  type ChangeRecord,
  type CheckpointStore,
  type Clock,
  type EventTrail,
  InvalidInputError,
  SegmentChangeLog,
  ServiceClock,
  SnapshotStore,
} from '@cognito-rewind/core';
import {
  createS3Client,
  isLoopbackEndpoint,
  observeServiceTime,
  openAwsStore,
  S3BlobStore,
} from '@cognito-rewind/core/adapters/aws';
import {
  DirectoryBlobStore,
  DirectoryChangeLog,
  DirectoryCheckpointStore,
  DirectoryEventTrail,
} from '@cognito-rewind/core/adapters/local';
import { parseEndpoint } from '../io/options.js';
import type { StoreChoice } from './storeOptions.js';

/** A store as every command uses it, whichever kind it is. */
export interface Store {
  /** For messages: `directory .rewind/store`, `s3://bucket/prefix + table t`. */
  label: string;
  blobs: BlobStore;
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  /** Where long jobs (a reconcile) keep their place; the bucket alone has none (it is read-only). */
  checkpoints?: CheckpointStore;
  /** The audit trail of captured events; the bucket alone has none (the trail lives in the table). */
  trail?: EventTrail;
  /** Where local state of a command (a restore's journal) lives. */
  localDir: string;
  /**
   * The change log takes no appends (the bucket alone): a command that writes history holds it
   * (`HeldChangeLog`) and archives it to the bucket.
   */
  readOnlyLog?: boolean;
  /**
   * What every time a command writes to this store is dated by. The AWS store is shared by machines
   * whose clocks disagree: its clock is the services' time (`ServiceClock`). A directory store has
   * only this machine's.
   */
  clock: Clock;
  /** Archives records just appended to a delta segment (dated by `clock`), so the bucket alone stays complete. */
  archive(poolId: string, records: readonly ChangeRecord[]): Promise<string | undefined>;
  close(): void;
}

export interface OpenStoreOptions {
  /** A directory store must already exist (read commands). */
  mustExist: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
}

export function openStore(choice: StoreChoice, options: OpenStoreOptions): Store {
  return choice.kind === 'directory' ? openDirectory(choice.dir, options) : openAws(choice, options);
}

function openDirectory(dirOption: string, { mustExist, cwd, clock }: OpenStoreOptions): Store {
  const dir = resolve(cwd, dirOption);
  const exists = existsSync(dir);
  if (exists && !statSync(dir).isDirectory())
    throw new InvalidInputError(`store ${dir} is a file, not a directory`);
  if (mustExist && !exists)
    throw new InvalidInputError(`store ${dir} does not exist (take a backup into it first)`);
  const blobs = new DirectoryBlobStore(dir);
  return {
    label: `directory ${dirOption}`,
    blobs,
    snapshots: new SnapshotStore(blobs),
    changeLog: new DirectoryChangeLog(dir),
    checkpoints: new DirectoryCheckpointStore(dir),
    trail: new DirectoryEventTrail(dir),
    localDir: dir,
    // One machine writes a directory store, so its clock is the only one: nothing to agree with.
    clock,
    archive: (poolId, records) => archiveRecords(blobs, poolId, records, clock),
    close: () => {},
  };
}

/** Placeholder keys for a local server (s3rver checks its own pair); AWS itself uses the SDK chain. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Client settings of the AWS store's two services, local servers included. */
export function awsClientOptions(choice: Extract<StoreChoice, { kind: 'aws' }>, env: NodeJS.ProcessEnv) {
  const s3Endpoint = parseEndpoint(choice.s3Endpoint);
  const dynamodbEndpoint = parseEndpoint(choice.dynamodbEndpoint);
  const localS3 = s3Endpoint !== undefined && isLoopbackEndpoint(s3Endpoint);
  return {
    s3: {
      ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }),
      ...(localS3 && env.AWS_ACCESS_KEY_ID === undefined ? { credentials: S3RVER_CREDENTIALS } : {}),
    },
    dynamo: dynamodbEndpoint === undefined ? {} : { endpoint: dynamodbEndpoint },
    endpoints: {
      ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
      ...(dynamodbEndpoint === undefined ? {} : { dynamodbEndpoint }),
    },
  };
}

function openAws(choice: Extract<StoreChoice, { kind: 'aws' }>, options: OpenStoreOptions): Store {
  const clients = awsClientOptions(choice, options.env);
  const where = `s3://${choice.bucket}${choice.prefix === undefined ? '' : `/${choice.prefix}`}`;
  const localDir = resolve(options.cwd, '.rewind');
  if (choice.table === undefined) return openBucketAlone(choice, clients.s3, where, localDir, options.clock);
  const store = openAwsStore({
    bucket: choice.bucket,
    table: choice.table,
    ...(choice.prefix === undefined ? {} : { prefix: choice.prefix }),
    ...(choice.kmsKeyId === undefined ? {} : { kmsKeyId: choice.kmsKeyId }),
    ...(choice.clockToleranceMs === undefined ? {} : { clockToleranceMs: choice.clockToleranceMs }),
    ...clients.endpoints,
    hasAccessKey: options.env.AWS_ACCESS_KEY_ID !== undefined,
    clock: options.clock,
  });
  return {
    label: `${where} + table ${choice.table}`,
    blobs: store.blobs,
    snapshots: store.snapshots,
    changeLog: store.changeLog,
    checkpoints: store.checkpoints,
    trail: store.trail,
    localDir,
    clock: store.clock,
    archive: (poolId, records) => archiveRecords(store.blobs, poolId, records, store.clock),
    close: () => store.close(),
  };
}

/** The bucket with no table: the change log read back from its delta segments (what a DR region holds). */
function openBucketAlone(
  choice: Extract<StoreChoice, { kind: 'aws' }>,
  s3Options: ReturnType<typeof awsClientOptions>['s3'],
  where: string,
  localDir: string,
  clock: Clock,
): Store {
  const s3 = createS3Client(s3Options);
  // Segments written here are named by time, as the archivers' are: by the services' time, like theirs.
  const serviceClock = new ServiceClock({
    local: clock,
    ...(choice.clockToleranceMs === undefined ? {} : { toleranceMs: choice.clockToleranceMs }),
  });
  observeServiceTime(s3, serviceClock, 'S3');
  const blobs = new S3BlobStore(s3, {
    bucket: choice.bucket,
    ...(choice.prefix === undefined ? {} : { prefix: choice.prefix }),
    ...(choice.kmsKeyId === undefined ? {} : { sse: { kmsKeyId: choice.kmsKeyId } }),
  });
  return {
    label: `${where} (the bucket alone: delta segments, read-only)`,
    blobs,
    snapshots: new SnapshotStore(blobs),
    changeLog: new SegmentChangeLog(blobs, { clock: serviceClock }),
    readOnlyLog: true,
    localDir,
    clock: serviceClock,
    // In a DR region the bucket is all there is: what a restore did goes there, where reads find it.
    archive: (poolId, records) => archiveRecords(blobs, poolId, records, serviceClock),
    close: () => s3.destroy(),
  };
}

/**
 * `openStore`, then one cheap read of the change log, so a table that does not exist is named (with
 * `store init`) before a command reads or writes anything else.
 */
export async function openReadyStore(
  choice: StoreChoice,
  options: OpenStoreOptions,
  poolId: string,
): Promise<Store> {
  const store = openStore(choice, options);
  try {
    if (choice.kind === 'aws') await store.changeLog.head(poolId, 'pool');
    return store;
  } catch (error) {
    store.close();
    throw error;
  }
}
