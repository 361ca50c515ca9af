export { AwsCognitoReader, type AwsCognitoReaderOptions } from './awsCognitoReader.js';
export { AwsCognitoWriter, type AwsCognitoWriterOptions } from './awsCognitoWriter.js';
export { type AwsStore, type AwsStoreConfig, openAwsStore } from './awsStore.js';
export type { SharedClientOptions } from './clientChoice.js';
export {
  type CognitoClientOptions,
  type CognitoCredentials,
  createCognitoClient,
  endpointLabel,
  endpointOfClient,
  isLoopbackEndpoint,
  LOCAL_CREDENTIALS,
} from './cognitoClient.js';
export {
  isNobodyThereError,
  isThrottlingError,
  isUnreachableError,
  isUnsupportedError,
} from './cognitoErrors.js';
export { DynamoChangeLog, type DynamoChangeLogOptions, POSITION_LAG_MS } from './dynamoChangeLog.js';
export { DynamoCheckpointStore, type DynamoCheckpointStoreOptions } from './dynamoCheckpointStore.js';
export {
  createDynamoClients,
  type DynamoClientOptions,
  type DynamoClients,
  type DynamoCredentials,
} from './dynamoClient.js';
export { DynamoEventTrail, type DynamoEventTrailOptions } from './dynamoEventTrail.js';
export { DynamoSnapshotCatalog, type DynamoSnapshotCatalogOptions } from './dynamoSnapshotCatalog.js';
export {
  type ChangeLogTableOptions,
  changeLogTableDefinition,
  createChangeLogTable,
  EXPIRY_ATTRIBUTE,
  INDEX as CHANGE_LOG_INDEXES,
} from './dynamoTable.js';
export { type CallSite, mapCognitoError } from './mapCognitoError.js';
export {
  CognitoRetryStrategy,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_THROTTLING_MAX_ATTEMPTS,
  type RetryOptions,
} from './retryStrategy.js';
export { S3BlobStore, S3BlobStoreError, type S3BlobStoreOptions } from './s3BlobStore.js';
export { type EnsureBucketResult, ensureBucket } from './s3Bucket.js';
export { createS3Client, type S3ClientOptions, type S3Credentials } from './s3Client.js';
export { observeServiceTime } from './serviceTime.js';
