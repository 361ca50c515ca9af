import { type EntityKey, parseEntityKey } from '../../model/entityKey.js';
import { canonicalObject, type JsonObject, type JsonValue } from '../../model/json.js';

/**
 * What a caller can write back, per entity kind. A restore compares only these views: server-set
 * fields (dates, status, `sub`, ARNs, ids, `HasClientSecret`, estimated counts…) differ between any
 * two pools and can never be put back, so comparing them would plan changes that cannot happen.
 */

/** UpdateUserPool's settings (it resets whatever is left out, so all of them go in every update). */
export const POOL_UPDATABLE = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
] as const;

/** Fixed when the pool is created: a restore can only check them, never change them. */
export const POOL_CREATION_ONLY = ['UsernameAttributes', 'AliasAttributes', 'UsernameConfiguration'] as const;

const MFA_FIELDS = [
  'MfaConfiguration',
  'SmsMfaConfiguration',
  'SoftwareTokenMfaConfiguration',
  'EmailMfaConfiguration',
  'WebAuthnConfiguration',
];
const GROUP_FIELDS = ['Description', 'Precedence', 'RoleArn'];
const CLIENT_SERVER_SET = ['ClientId', 'ClientSecret', 'HasClientSecret', 'CreationDate', 'LastModifiedDate'];
const RESOURCE_SERVER_FIELDS = ['Name', 'Scopes'];
const RISK_FIELDS = [
  'CompromisedCredentialsRiskConfiguration',
  'AccountTakeoverRiskConfiguration',
  'RiskExceptionConfiguration',
];
/** SAML details Cognito derives from the metadata; OIDC endpoints it discovers stay writable. */
const IDP_DERIVED_DETAILS = ['ActiveEncryptionCertificate', 'SLORedirectBindingURI', 'SSORedirectBindingURI'];
/** User attributes Cognito sets itself: `sub` at creation, `identities` through provider links. */
export const USER_SERVER_SET_ATTRIBUTES = ['sub', 'identities'];

const pick = (doc: JsonObject, fields: readonly string[]): JsonObject => {
  const out: JsonObject = {};
  for (const field of fields) if (doc[field] !== undefined) out[field] = doc[field] as JsonValue;
  return out;
};

const omit = (doc: JsonObject, fields: readonly string[]): JsonObject => {
  const out: JsonObject = { ...doc };
  for (const field of fields) delete out[field];
  return out;
};

/** A user's writable attributes: all but the ones Cognito sets. */
export function writableAttributes(doc: JsonObject): Record<string, string> {
  const attributes = (doc.attributes ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes))
    if (!USER_SERVER_SET_ATTRIBUTES.includes(name)) out[name] = value;
  return out;
}

/** The MFA factors a restore can set: SMS and email. TOTP enrolment needs the user's own device. */
export function restorableMfa(doc: JsonObject): JsonObject | undefined {
  const mfa = doc.mfa as { preferred?: string | null; enabled?: string[] } | undefined;
  if (mfa === undefined) return undefined;
  const enabled: string[] = (mfa.enabled ?? []).filter((f) => f === 'SMS_MFA' || f === 'EMAIL_OTP').sort();
  const preferred = mfa.preferred && enabled.includes(mfa.preferred) ? mfa.preferred : null;
  return { enabled, preferred };
}

function userView(doc: JsonObject): JsonObject {
  const mfa = restorableMfa(doc);
  return canonicalObject({
    attributes: writableAttributes(doc),
    enabled: doc.enabled ?? true,
    groups: doc.groups ?? [],
    ...(mfa === undefined ? {} : { mfa }),
  });
}

function identityProviderView(doc: JsonObject): JsonObject {
  const details = omit((doc.ProviderDetails ?? {}) as JsonObject, IDP_DERIVED_DETAILS);
  return canonicalObject({
    ...pick(doc, ['ProviderType', 'AttributeMapping', 'IdpIdentifiers']),
    ProviderDetails: details,
  });
}

/** Per domain name: what CreateUserPoolDomain takes. */
function domainView(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, description] of Object.entries(doc))
    out[name] = pick(description as JsonObject, ['CustomDomainConfig', 'ManagedLoginVersion']);
  return canonicalObject(out);
}

/** The writable view of one entity document (`null`: the entity does not exist). */
export function writableView(key: EntityKey, doc: JsonObject | null | undefined): JsonObject | null {
  if (doc === null || doc === undefined) return null;
  switch (parseEntityKey(key).kind) {
    case 'user':
      return userView(doc);
    case 'group':
      return pick(doc, GROUP_FIELDS);
    case 'pool':
      return canonicalObject({ ...pick(doc, POOL_UPDATABLE), PoolName: doc.Name });
    case 'mfa':
      // No mode is OFF (cognito-local's UpdateUserPool drops a mode it is not given). Spelled out, so
      // a restore to it sends SetUserPoolMfaConfig a mode: one without keeps the live mode.
      return { ...pick(doc, MFA_FIELDS), MfaConfiguration: doc.MfaConfiguration ?? 'OFF' };
    case 'client':
      return omit(doc, CLIENT_SERVER_SET);
    case 'idp':
      return identityProviderView(doc);
    case 'resourceServer':
      return pick(doc, RESOURCE_SERVER_FIELDS);
    case 'domain':
      return domainView(doc);
    case 'ui':
      return pick(doc, ['CSS']);
    case 'riskConfiguration':
      return pick(doc, RISK_FIELDS);
    case 'tags':
      return doc;
  }
}
