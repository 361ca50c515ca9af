export { AwsCognitoReader, type AwsCognitoReaderOptions } from './awsCognitoReader.js';
export { AwsCognitoWriter, type AwsCognitoWriterOptions } from './awsCognitoWriter.js';
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
export { type CallSite, mapCognitoError } from './mapCognitoError.js';
export {
  CognitoRetryStrategy,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_THROTTLING_MAX_ATTEMPTS,
  type RetryOptions,
} from './retryStrategy.js';
