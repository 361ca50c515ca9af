export { AwsCognitoReader, type AwsCognitoReaderOptions } from './awsCognitoReader.js';
export { AwsCognitoWriter, type AwsCognitoWriterOptions } from './awsCognitoWriter.js';
export {
  COGNITO_READ_ACTIONS,
  COGNITO_UNSCOPED_ACTIONS,
  COGNITO_WRITE_ACTIONS,
  KMS_ACTIONS,
  RESTORE_PERMISSIONS,
  type ServicePermissions,
} from './awsOperations.js';
export { type AwsOpenOptions, type AwsStore, openAwsStore, openBucketStore } from './awsStore.js';
export {
  type AwsStoreClientOptions,
  type AwsStoreClients,
  awsStoreClients,
  storeDynamoClients,
  storeS3Client,
} from './awsStoreClients.js';
export type { SharedClientOptions } from './clientChoice.js';
export {
  type CognitoClientOptions,
  type CognitoCredentials,
  createCognitoClient,
  endpointLabel,
  endpointOfClient,
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
export {
  isLoopbackEndpoint,
  LOCAL_CREDENTIALS,
  type PlaceholderCredentials,
  S3RVER_CREDENTIALS,
} from './loopback.js';
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
