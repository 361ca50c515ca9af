import type { S3Client } from '@aws-sdk/client-s3';
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
}

/**
 * The client of a store's bucket, as every part of the system makes it: the region and endpoint the
 * configuration gives; credentials from the SDK's chain, except that a loopback endpoint (s3rver) gets
 * s3rver's own pair unless the environment has keys of its own.
 */
export function storeS3Client(location: AwsLocation, options: AwsStoreClientOptions = {}): S3Client {
  const { s3Endpoint, region } = location;
  const localS3 = s3Endpoint !== undefined && isLoopbackEndpoint(s3Endpoint);
  return createS3Client({
    ...(region === undefined ? {} : { region }),
    ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }),
    ...(localS3 && options.hasAccessKey !== true ? { credentials: S3RVER_CREDENTIALS } : {}),
  });
}

/** The clients of a store's table (a loopback endpoint, dynalite, gets placeholder keys). */
export function storeDynamoClients(location: AwsLocation): DynamoClients {
  const { dynamodbEndpoint, region } = location;
  return createDynamoClients({
    ...(region === undefined ? {} : { region }),
    ...(dynamodbEndpoint === undefined ? {} : { endpoint: dynamodbEndpoint }),
  });
}

/** Both clients of the AWS store (`store init` makes the bucket and table with them). */
export function awsStoreClients(location: AwsLocation, options: AwsStoreClientOptions = {}): AwsStoreClients {
  const s3 = storeS3Client(location, options);
  const dynamo = storeDynamoClients(location);
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
