import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { type EnvironmentVariables, InvalidInputError, RewindError } from '@cognito-rewind/core';
import { isLoopbackEndpoint } from '@cognito-rewind/core/adapters/aws';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The STS endpoint for tests, which cannot reach AWS's: a local stand-in on loopback that answers
 * AssumeRole. Anything else is refused, so it cannot send an operator's credentials elsewhere.
 */
export const STS_ENDPOINT_ENV = 'REWIND_STS_ENDPOINT';

export interface RoleOptions {
  readonly roleArn: string;
  /** The command, named in the session (`cognito-rewind-restore`), so CloudTrail shows what ran. */
  readonly command: string;
  /** STS's region: the deployment's. @default the SDK's (the first client's region, AWS_REGION…) */
  readonly region?: string;
  readonly env: EnvironmentVariables;
}

/** RoleSessionName: 2–64 of `[\w+=,.@-]`. */
export const sessionName = (command: string): string =>
  `cognito-rewind-${command}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);

/**
 * The credentials of the role a command works as: STS AssumeRole, signed by the SDK's standard chain
 * (`AWS_PROFILE`, environment keys, SSO, instance roles…). Nothing is called until a client first
 * signs a request. Every client of the command (S3, DynamoDB, Cognito) shares this one provider, and
 * each SDK client memoizes only its own, so it is memoized here too: one AssumeRole per command,
 * refreshed only near expiry.
 */
export function assumedRole(options: RoleOptions): AwsCredentialIdentityProvider {
  const endpoint = stsEndpoint(options.env);
  const session = sessionName(options.command);
  const assume = fromTemporaryCredentials({
    params: { RoleArn: options.roleArn, RoleSessionName: session },
    clientConfig: {
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(endpoint === undefined ? {} : { endpoint }),
    },
  });
  const named: AwsCredentialIdentityProvider = (properties) =>
    assume(properties).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new RewindError(
        `cannot assume the role ${options.roleArn} (session ${session}): ${reason}. Check that your credentials (AWS_PROFILE, or the SDK's chain) may assume it, or give another with --role-arn`,
        { cause: error },
      );
    });
  // The SDK's own memoizer (what each client wraps its credentials in), exported by @smithy/core.
  return memoizeIdentityProvider(named, isIdentityExpired, doesIdentityRequireRefresh) ?? named;
}

function stsEndpoint(env: EnvironmentVariables): string | undefined {
  const value = env[STS_ENDPOINT_ENV]?.trim();
  if (value === undefined || value === '') return undefined;
  if (!/^https?:\/\//.test(value) || !isLoopbackEndpoint(value))
    throw new InvalidInputError(
      `${STS_ENDPOINT_ENV} is for tests only and takes a loopback http(s) URL (a local STS stand-in), not ${JSON.stringify(value)}`,
    );
  return value;
}
