import { resolve } from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type EnvironmentVariables, hasOwnAccessKey } from '../config/settings.js';
import type { AwsStoreConfig, DirectoryStoreConfig, StoreConfig } from '../config/storeConfig.js';
import { LOCAL_STATE_FOLDER } from '../layout/storeLayout.js';
import type { Clock } from '../ports.js';
import type { FullStore, Store } from '../store/store.js';
import { openAwsStore, openBucketStore } from './aws/awsStore.js';
import { openDirectoryStore } from './local/directoryStore.js';

export interface OpenStoreOptions {
  /**
   * What a relative store directory is resolved against; beside the AWS store, `.rewind/` under it
   * keeps what stays on this machine. @default the working directory
   */
  readonly cwd?: string;
  /** A directory store must already exist (read commands). @default false */
  readonly mustExist?: boolean;
  /** Read only for `AWS_ACCESS_KEY_ID`: keys of its own are used for a loopback S3 too. @default {} */
  readonly env?: EnvironmentVariables;
  /** This machine's clock; the AWS store corrects it by the services' time. @default the system clock */
  readonly clock?: Clock;
  /**
   * What signs the AWS store's requests: an assumed role's provider (`restore-cli --role-arn`).
   * Not part of `StoreConfig`, which stays plain data. @default the SDK's chain
   */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/**
 * The one way from a `StoreConfig` to a `Store`: a directory, the bucket with its table, or the bucket
 * alone. The CLI, the Lambda handlers and the local stack all open their store here.
 */
export function openStore(
  config: DirectoryStoreConfig | AwsStoreConfig,
  options?: OpenStoreOptions,
): FullStore;
export function openStore(config: StoreConfig, options?: OpenStoreOptions): Store;
export function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Store {
  if (config.kind === 'directory') return openDirectoryStore(config, options);
  const onThisMachine = {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    hasAccessKey: hasOwnAccessKey(options.env ?? {}),
    localDir: resolve(options.cwd ?? '', LOCAL_STATE_FOLDER),
  };
  return config.table === undefined
    ? openBucketStore({ ...config, ...onThisMachine })
    : openAwsStore({ ...config, ...onThisMachine });
}

/**
 * `openStore`, then one cheap read of the change log, so a table that does not exist is named (with
 * `store init`) before a command reads or writes anything else.
 */
export async function openReadyStore(
  config: StoreConfig,
  options: OpenStoreOptions,
  poolId: string,
): Promise<Store> {
  const store = openStore(config, options);
  try {
    if (config.kind === 'aws') await store.changeLog.head(poolId, 'pool');
    return store;
  } catch (error) {
    store.close();
    throw error;
  }
}
