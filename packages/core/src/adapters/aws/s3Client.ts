import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ClientOptions {
  /** An S3-compatible endpoint (s3rver, MinIO…). @default AWS's regional endpoint */
  readonly endpoint?: string;
  /** @default 'us-east-1' for a custom endpoint, else the SDK's own region resolution */
  readonly region?: string;
  /** Fixed keys, or a provider (an assumed role's). @default the SDK's default credential provider chain */
  readonly credentials?: S3Credentials | AwsCredentialIdentityProvider;
}

/**
 * An S3 client on the SDK's standard credential and region chain. A custom endpoint (a local server)
 * gets path-style addressing, since `bucket.127.0.0.1` does not resolve, and checksums only where S3
 * requires them: by default the SDK sends streamed bodies `aws-chunked` with a trailing checksum, and
 * s3rver stores that framing as if it were the object's bytes, silently corrupting every streamed put.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const { endpoint, credentials } = options;
  const region = options.region ?? (endpoint !== undefined ? 'us-east-1' : undefined);
  return new S3Client({
    ...(region !== undefined ? { region } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    ...(endpoint !== undefined
      ? {
          endpoint,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
}
