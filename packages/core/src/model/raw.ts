/**
 * What a `CognitoReader` hands the domain: Cognito's own response shapes, reduced to plain data
 * (no SDK types). Dates may be `Date`s or ISO strings; canonicalisation normalises them.
 */
export type RawRecord = Record<string, unknown>;

export interface RawAttribute {
  Name?: string;
  Value?: string;
}

export interface RawUser {
  Username?: string;
  Attributes?: RawAttribute[];
  Enabled?: boolean;
  UserStatus?: string;
  UserCreateDate?: Date | string;
  UserLastModifiedDate?: Date | string;
  MFAOptions?: unknown[];
}

/** The MFA part of AdminGetUser. */
export interface RawUserMfa {
  PreferredMfaSetting?: string;
  UserMFASettingList?: string[];
}

// What a `CognitoWriter` takes beside Cognito's own request shapes.

/** Where an identity a user is linked to comes from (AdminLinkProviderForUser's SourceUser). */
export interface ProviderUser {
  providerName: string;
  /** `Cognito_Subject` for the provider's own user id, or a mapped attribute name. */
  attributeName: string;
  attributeValue: string;
}

/** One MFA factor's setting, as AdminSetUserMFAPreference takes it. */
export interface MfaFactorSetting {
  enabled: boolean;
  preferred: boolean;
}

/** AdminSetUserMFAPreference: only the factors given are changed. */
export interface UserMfaPreference {
  sms?: MfaFactorSetting;
  email?: MfaFactorSetting;
  softwareToken?: MfaFactorSetting;
}

export interface CreateUserOptions {
  /** `MessageAction: SUPPRESS`: no invitation by email or SMS (the default of a restore). */
  suppressMessages: boolean;
  /** Where Cognito sends the invitation when messages are not suppressed. @default Cognito's (SMS) */
  deliveryMediums?: ('EMAIL' | 'SMS')[];
}
