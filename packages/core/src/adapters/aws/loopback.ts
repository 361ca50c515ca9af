/**
 * What a client sends to a local stand-in on loopback (cognito-local, dynalite, s3rver), in one place.
 * A real endpoint never gets these keys: the SDK's credential chain signs for it.
 */
export interface PlaceholderCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackEndpoint(endpoint: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** cognito-local and dynalite accept any signature: these stand for "no account". */
export const LOCAL_CREDENTIALS: PlaceholderCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The only keys s3rver accepts: it checks every request's signature against them. */
export const S3RVER_CREDENTIALS: PlaceholderCredentials = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};
