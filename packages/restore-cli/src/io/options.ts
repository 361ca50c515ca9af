import { InvalidInputError, poolIdSchema } from '@cognito-rewind/core';

export function parsePoolId(value: string): string {
  const parsed = poolIdSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidInputError(
      `--pool ${JSON.stringify(value)} is not a user pool id (${parsed.error.issues[0]?.message})`,
    );
  return parsed.data;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * A real pool id starts with its region, and a pool can only be reached there, so that region is
 * the default; `--region` overrides it, and AWS_REGION (then us-east-1) covers ids without one.
 */
export function regionFor(poolId: string, explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit !== undefined) {
    if (!/^[a-z0-9-]{2,32}$/.test(explicit))
      throw new InvalidInputError(
        `--region ${JSON.stringify(explicit)} is not an AWS region (e.g. eu-west-1)`,
      );
    return explicit;
  }
  const prefix = poolId.slice(0, poolId.indexOf('_'));
  if (REGION.test(prefix)) return prefix;
  return env.AWS_REGION || 'us-east-1';
}

export function parseEndpoint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return value;
  } catch {
    throw new InvalidInputError(`--endpoint ${JSON.stringify(value)} is not an http(s) URL`);
  }
}
