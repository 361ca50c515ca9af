import { join } from 'node:path';
import { type AwsStoreConfig, type Clock, type FullStore, systemClock } from '@cognito-rewind/core';
import { openStore } from '@cognito-rewind/core/adapters';
import { awsStoreClients, createChangeLogTable, ensureBucket } from '@cognito-rewind/core/adapters/aws';
import { type Dynalite, type S3rver, startDynalite, startS3rver } from '@cognito-rewind/emulators';
import { runEvery } from './runEvery.js';
import type { StackStore } from './stackFile.js';

export type StackStoreKind = 'directory' | 'aws';

/** The store a local stack writes to, open, with what it needs to stop. */
export interface RunningStore {
  /** As the stack file describes it. */
  readonly info: StackStore;
  readonly store: FullStore;
  /** Closes the store's clients, then stops the emulators it runs on (their data stays). */
  stop(): Promise<void>;
}

const BUCKET = 'rewind-local';
const TABLE = 'rewind-local-changes';

/**
 * The directory store is `<dir>/store`. The AWS store runs the same adapters as in the cloud on
 * dynalite (its LevelDB in `<dir>/local/dynalite`) and s3rver (`<dir>/local/s3rver`): the table and
 * bucket are created on the first start and found again on the next.
 */
export async function startStackStore(
  kind: StackStoreKind,
  dir: string,
  clock: Clock = systemClock,
): Promise<RunningStore> {
  const options = { mustExist: false, cwd: dir, env: {}, clock };
  if (kind === 'directory') {
    const storeDir = join(dir, 'store');
    const store = openStore({ kind: 'directory', dir: storeDir }, options);
    return { info: { kind, dir: storeDir }, store, stop: async () => store.close() };
  }
  const dataDir = join(dir, 'local');
  let dynalite: Dynalite | undefined;
  let s3rver: S3rver | undefined;
  const stopEmulators = () =>
    runEvery('stopping the emulators', [() => dynalite?.stop(), () => s3rver?.stop()]);
  try {
    // Side by side, and settled both: the one that started is stopped when the other fails.
    const [dynaliteStart, s3rverStart] = await Promise.allSettled([
      startDynalite({ path: join(dataDir, 'dynalite') }),
      // Out of the terminal's process group: the stack stops it after the drain (see localStack).
      startS3rver({ directory: join(dataDir, 's3rver'), ownProcessGroup: true }),
    ]);
    if (dynaliteStart.status === 'fulfilled') dynalite = dynaliteStart.value;
    if (s3rverStart.status === 'fulfilled') s3rver = s3rverStart.value;
    if (dynaliteStart.status === 'rejected') throw dynaliteStart.reason;
    if (s3rverStart.status === 'rejected') throw s3rverStart.reason;
    const endpoints = {
      s3Endpoint: s3rverStart.value.endpoint,
      dynamodbEndpoint: dynaliteStart.value.endpoint,
    };
    const config: AwsStoreConfig = { kind: 'aws', bucket: BUCKET, table: TABLE, ...endpoints };
    await createTableAndBucket(config);
    const store = openStore(config, options);
    const info: StackStore = {
      kind,
      bucket: BUCKET,
      table: TABLE,
      ...endpoints,
      dataDir,
    };
    return {
      info,
      store,
      stop: () => runEvery('stopping the aws store', [() => store.close(), stopEmulators]),
    };
  } catch (error) {
    // Why the start failed is the news; an emulator that also fails to stop would only hide it.
    await stopEmulators().catch(() => {});
    throw error;
  }
}

/** `store init`, done for the user: both calls leave what already exists alone. */
async function createTableAndBucket(config: AwsStoreConfig): Promise<void> {
  const { s3, dynamo, close } = awsStoreClients(config);
  try {
    await ensureBucket(s3, config.bucket, {});
    await createChangeLogTable(dynamo.client, config.table);
  } finally {
    close();
  }
}
