import { z } from 'zod';

/** The id part of a user pool id: what follows `<region>_` in `us-east-1_Ab12Cd34E`. */
const POOL_ID_BODY = String.raw`[\w-]+_[0-9a-zA-Z]+`;

/**
 * Cognito's pattern for user pool ids: `<region>_<id>` (`us-east-1_Ab12Cd34E`); cognito-local's are
 * `local_<id>`. The one definition every package checks pool ids against.
 */
export const POOL_ID_PATTERN = new RegExp(`^${POOL_ID_BODY}$`);

/** A user pool's ARN (tag calls name the pool by it); the first group is the pool id. */
export const POOL_ARN_PATTERN = new RegExp(
  String.raw`^arn:aws[\w-]*:cognito-idp:[\w-]+:\d{12}:userpool\/(${POOL_ID_BODY})$`,
);

export const isPoolId = (value: unknown): value is string =>
  typeof value === 'string' && POOL_ID_PATTERN.test(value);

/** A pool id as a person types it (`--pool`), at most as long as Cognito allows. */
export const poolIdSchema = z
  .string()
  .regex(POOL_ID_PATTERN, { message: 'a user pool id looks like us-east-1_AbCdEf123' })
  .max(55);
