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
