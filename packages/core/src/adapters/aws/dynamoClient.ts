import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { isLoopbackEndpoint, LOCAL_CREDENTIALS } from './loopback.js';

export interface DynamoCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface DynamoClientOptions {
  /** A DynamoDB-compatible endpoint (dynalite, DynamoDB Local). @default AWS's regional endpoint */
  readonly endpoint?: string;
  /** @default 'us-east-1' for a custom endpoint, else the SDK's own region resolution */
  readonly region?: string;
  /**
   * Fixed keys, or a provider (an assumed role's).
   * @default placeholder credentials for a loopback endpoint, else the SDK's default provider chain
   */
  readonly credentials?: DynamoCredentials | AwsCredentialIdentityProvider;
}

export interface DynamoClients {
  /** The low-level client: table administration, and what fault-injection middleware attaches to. */
  readonly client: DynamoDBClient;
  /** A DocumentClient over `client` (same middleware stack), for item reads and writes. */
  readonly doc: DynamoDBDocumentClient;
}

/**
 * A DynamoDB client on the SDK's standard region and credential chain, and a DocumentClient over it.
 * The DocumentClient drops `undefined` members, so optional fields of a record need no special casing.
 * A loopback endpoint without credentials signs with placeholders (local servers accept any).
 */
export function createDynamoClients(options: DynamoClientOptions = {}): DynamoClients {
  const { endpoint } = options;
  const local = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  const credentials = options.credentials ?? (local ? LOCAL_CREDENTIALS : undefined);
  const region = options.region ?? (endpoint !== undefined ? 'us-east-1' : undefined);
  const client = new DynamoDBClient({
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}
