export { AwsCognitoReader, type AwsCognitoReaderOptions } from './awsCognitoReader.js';
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
export { CognitoRetryStrategy, type RetryOptions } from './retryStrategy.js';
