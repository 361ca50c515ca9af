import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { isLoopbackEndpoint, LOCAL_CREDENTIALS } from './loopback.js';
import { CognitoRetryStrategy, type RetryOptions } from './retryStrategy.js';

export interface CognitoCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CognitoClientOptions extends RetryOptions {
  /** A Cognito-compatible endpoint (cognito-local, the in-memory fake). @default AWS's regional endpoint */
  readonly endpoint?: string;
  /** @default 'us-east-1' for a custom endpoint, else the SDK's own region resolution */
  readonly region?: string;
  /**
   * Fixed keys, or a provider (an assumed role's, `fromTemporaryCredentials`) asked before each
   * request. @default placeholder credentials for a loopback endpoint, else the SDK's default chain
   */
  readonly credentials?: CognitoCredentials | AwsCredentialIdentityProvider;
  /** Time allowed to open a TCP connection (ms). @default 5000 */
  readonly connectionTimeoutMs?: number;
  /** Time allowed for a whole response (ms). @default 30000 */
  readonly requestTimeoutMs?: number;
}

/**
 * A Cognito client with the retry behaviour of `CognitoRetryStrategy`. For a loopback endpoint without
 * credentials it signs with placeholder credentials, so local runs need no AWS account; any other
 * endpoint (a VPC endpoint, say) still uses the default credential chain.
 */
export function createCognitoClient(options: CognitoClientOptions = {}): CognitoIdentityProviderClient {
  const { endpoint } = options;
  const local = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  const credentials = options.credentials ?? (local ? LOCAL_CREDENTIALS : undefined);
  const region = options.region ?? (endpoint !== undefined ? 'us-east-1' : undefined);
  const retryStrategy = new CognitoRetryStrategy(options);
  const client = new CognitoIdentityProviderClient({
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    // Only announced in a request header: the retry strategy decides.
    maxAttempts: retryStrategy.mostAttempts,
    retryStrategy,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    },
  });
  labels.set(client, endpointLabel({ endpoint, region }));
  return client;
}

/** The endpoint of each client this module made, so a reader handed only the client can name it. */
const labels = new WeakMap<CognitoIdentityProviderClient, string>();

export const endpointOfClient = (client: CognitoIdentityProviderClient): string | undefined =>
  labels.get(client);

/** The endpoint as error messages should name it. */
export function endpointLabel(options: Pick<CognitoClientOptions, 'endpoint' | 'region'>): string {
  if (options.endpoint !== undefined) return options.endpoint;
  return options.region !== undefined
    ? `https://cognito-idp.${options.region}.amazonaws.com`
    : 'the regional Cognito endpoint';
}
