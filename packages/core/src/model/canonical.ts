import { canonicalObject, type JsonObject } from './json.js';
import type { RawRecord, RawUser, RawUserMfa } from './raw.js';

/**
 * Raw Cognito responses → canonical entity documents. Canonical means sorted keys, ISO-8601 UTC
 * times, no volatile fields, and no secrets: a client secret is reduced to the fact that one exists.
 */

/** Fields that change without anyone changing the pool, or repeat the pool id in every entity. */
const POOL_VOLATILE = ['EstimatedNumberOfUsers'];
const REDUNDANT = ['UserPoolId'];

const without = (raw: RawRecord, fields: readonly string[]): RawRecord => {
  const copy: RawRecord = { ...raw };
  for (const field of fields) delete copy[field];
  return copy;
};

export const canonicalPool = (raw: RawRecord): JsonObject => canonicalObject(without(raw, POOL_VOLATILE));

export const canonicalMfa = (raw: RawRecord): JsonObject => canonicalObject(without(raw, ['$metadata']));

export function canonicalClient(raw: RawRecord): JsonObject {
  const { ClientSecret, ...rest } = without(raw, REDUNDANT);
  return canonicalObject({
    ...rest,
    HasClientSecret: typeof ClientSecret === 'string' && ClientSecret !== '',
  });
}

/** ProviderDetails entries that are credentials (OIDC/social client secrets, Sign in with Apple's key). */
const PROVIDER_SECRETS = ['client_secret', 'private_key'];

/**
 * An identity provider without its credentials: restoring one means asking its owner for the secret
 * again, so we keep which secrets it had (`OmittedSecrets`) and never their values.
 */
export function canonicalIdentityProvider(raw: RawRecord): JsonObject {
  const details = { ...((raw.ProviderDetails ?? {}) as Record<string, unknown>) };
  const omitted = PROVIDER_SECRETS.filter((name) => details[name] !== undefined && details[name] !== '');
  for (const name of PROVIDER_SECRETS) delete details[name];
  return canonicalObject({
    ...without(raw, REDUNDANT),
    ProviderDetails: details,
    ...(omitted.length > 0 ? { OmittedSecrets: omitted } : {}),
  });
}

export const canonicalGroup = (raw: RawRecord): JsonObject => canonicalObject(without(raw, REDUNDANT));

export const canonicalComponent = (raw: RawRecord): JsonObject => canonicalObject(without(raw, REDUNDANT));

const iso = (value: Date | string | undefined): string =>
  value === undefined ? '' : new Date(value).toISOString();

export function canonicalUser(raw: RawUser, groups: readonly string[], mfa?: RawUserMfa): JsonObject {
  const attributes: Record<string, string> = {};
  for (const { Name, Value } of raw.Attributes ?? []) {
    if (Name !== undefined) attributes[Name] = Value ?? '';
  }
  return canonicalObject({
    username: raw.Username ?? '',
    attributes,
    enabled: raw.Enabled ?? true,
    status: raw.UserStatus ?? 'UNKNOWN',
    groups: [...new Set(groups)].sort(),
    createdAt: iso(raw.UserCreateDate),
    modifiedAt: iso(raw.UserLastModifiedDate),
    mfa:
      mfa === undefined
        ? undefined
        : {
            preferred: mfa.PreferredMfaSetting ?? null,
            enabled: [...(mfa.UserMFASettingList ?? [])].sort(),
          },
  });
}
