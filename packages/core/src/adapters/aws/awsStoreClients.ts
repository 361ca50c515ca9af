import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsLocation } from '../../config/storeConfig.js';
import { createDynamoClients, type DynamoClients } from './dynamoClient.js';
import { isLoopbackEndpoint, S3RVER_CREDENTIALS } from './loopback.js';
import { createS3Client } from './s3Client.js';

/** The AWS store's two clients: S3 for the bucket, DynamoDB for the table. */
export interface AwsStoreClients {
  s3: S3Client;
  dynamo: DynamoClients;
  /** Releases both clients' sockets. */
  close(): void;
}

export interface AwsStoreClientOptions {
  /**
   * The environment has AWS keys of its own (`AWS_ACCESS_KEY_ID`): then a loopback S3 endpoint is
   * signed for with them, not with s3rver's. @default false
   */
  readonly hasAccessKey?: boolean;
  /**
   * What signs every request of both clients, before any placeholder: an assumed role's provider
   * (`restore-cli --role-arn`, `fromTemporaryCredentials`). @default the SDK's chain
   */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/**
 * The client of a store's bucket, as every part of the system makes it: the region and endpoint the
 * configuration gives; the credentials given, else the SDK's chain, except that a loopback endpoint
 * (s3rver) gets s3rver's own pair unless the environment has keys of its own.
 */
export function storeS3Client(location: AwsLocation, options: AwsStoreClientOptions = {}): S3Client {
  const { s3Endpoint, region } = location;
  const localS3 = s3Endpoint !== undefined && isLoopbackEndpoint(s3Endpoint);
  const credentials =
    options.credentials ?? (localS3 && options.hasAccessKey !== true ? S3RVER_CREDENTIALS : undefined);
  return createS3Client({
    ...(region === undefined ? {} : { region }),
    ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  });
}

/**
 * The clients of a store's table, with the credentials given (a loopback endpoint, dynalite, gets
 * placeholder keys when none are).
 */
export function storeDynamoClients(
  location: AwsLocation,
  options: AwsStoreClientOptions = {},
): DynamoClients {
  const { dynamodbEndpoint, region } = location;
  return createDynamoClients({
    ...(region === undefined ? {} : { region }),
    ...(dynamodbEndpoint === undefined ? {} : { endpoint: dynamodbEndpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}

/** Both clients of the AWS store (`store init` makes the bucket and table with them). */
export function awsStoreClients(location: AwsLocation, options: AwsStoreClientOptions = {}): AwsStoreClients {
  const s3 = storeS3Client(location, options);
  const dynamo = storeDynamoClients(location, options);
  return {
    s3,
    dynamo,
    close: () => {
      s3.destroy();
      dynamo.client.destroy();
    },
  };
}

/** `s3://bucket/prefix`: the bucket's part of a store's label. */
export const bucketLabel = (location: AwsLocation): string =>
  `s3://${location.bucket}${location.prefix === undefined ? '' : `/${location.prefix}`}`;
