/**
 * How CloudTrail writes a Cognito request or answer: keys in lower camel case, who the user is and
 * every secret replaced by a fixed marker. The marker (rather than dropping the key) is what CloudTrail
 * does, so a consumer can still see that a password was given without ever seeing it.
 */

export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Replaced whole, whatever their shape: they name the user or carry credentials inside. */
const HIDDEN_WHOLE = new Set([
  'username',
  'userAttributes',
  'authParameters',
  'challengeResponses',
  'session',
  'confirmationCode',
  'userCode',
  'secretHash',
  'destination',
]);
const SECRET_WORDS = /secret|password|token/i;
/** Maps whose keys are user data (tag names, attribute names…), never renamed. */
const VERBATIM_KEYS = new Set([
  'userPoolTags',
  'tags',
  'clientMetadata',
  'attributeMapping',
  'providerDetails',
  'tokenValidityUnits',
]);
/** Settings whose names contain a secret word but whose values are configuration, not secrets. */
const NOT_SECRET = new Set(['tokenValidityUnits', 'tokenType']);

export const camelKey = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1);

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A secret is a string under a secret-sounding key: `generateSecret: true`, `refreshTokenValidity: 30`
 * and the `passwordPolicy` object are settings and stay.
 */
const isSecret = (key: string, value: Json): boolean =>
  HIDDEN_WHOLE.has(key) || (typeof value === 'string' && SECRET_WORDS.test(key));

/** The request body (or an answer part) as CloudTrail logs it. */
export function cloudTrailShape(value: Json, rename = true): Json {
  if (Array.isArray(value)) return value.map((item) => cloudTrailShape(item, rename));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [rawKey, item] of Object.entries(value)) {
    const key = rename ? camelKey(rawKey) : rawKey;
    if (NOT_SECRET.has(key)) out[key] = item;
    else if (isSecret(key, item)) out[key] = HIDDEN;
    else out[key] = cloudTrailShape(item, rename && !VERBATIM_KEYS.has(key));
  }
  return out;
}
