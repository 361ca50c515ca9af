import {
  type AwsStoreConfig,
  ConfigError,
  hasOwnAccessKey,
  lambdaStoreConfig,
  readSetting,
  requireSetting,
} from '@cognito-rewind/core';
import { HandlerConfigError } from '../errors.js';

/**
 * The handlers' settings, as read from the Lambda environment by core's one configuration parser
 * (`lambdaStoreConfig`): where the AWS store is (`REWIND_BUCKET`, `REWIND_TABLE`, `REWIND_PREFIX`,
 * `REWIND_KMS_KEY_ID`, `AWS_REGION`, and `REWIND_S3_ENDPOINT` / `REWIND_DYNAMODB_ENDPOINT` for local
 * servers in tests), plus Cognito's, and `REWIND_PERSONAL_DATA_RETENTION_DAYS`: how long the event
 * trail keeps callers' IPs and user agents, and `REWIND_CLOCK_TOLERANCE_SECONDS`: how uncertain the
 * services' time may be before writes are refused.
 */
export interface HandlerEnv extends Omit<AwsStoreConfig, 'kind'> {
  /** REWIND_COGNITO_ENDPOINT: cognito-local in tests. */
  cognitoEndpoint?: string;
  /** AWS_ACCESS_KEY_ID is set: the SDK's chain has credentials, so none are made up for a local S3. */
  hasAccessKey: boolean;
}

/** Core's `ConfigError`, as the handlers name a deployment's mistake. */
function asHandlerError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError)
      throw new HandlerConfigError(error.setting, error.detail, { cause: error });
    throw error;
  }
}

/** Reads and checks the handlers' environment; a missing or unusable variable is named. */
export function readHandlerEnv(env: NodeJS.ProcessEnv): HandlerEnv {
  return asHandlerError(() => {
    const { kind: _kind, ...store } = lambdaStoreConfig(env);
    const cognitoEndpoint = readSetting(env, 'cognitoEndpoint');
    return {
      ...store,
      ...(cognitoEndpoint === undefined ? {} : { cognitoEndpoint }),
      hasAccessKey: hasOwnAccessKey(env),
    };
  });
}

/**
 * REWIND_POOL_IDS: comma-separated pool ids, spaces allowed around the commas. Read when a scheduled
 * handler asks for its pools, not at start: capture needs it only to find the pool of a public call, and goes on without it.
 */
export function readPoolIds(env: NodeJS.ProcessEnv): string[] {
  return asHandlerError(() => requireSetting(env, 'poolIds'));
}
