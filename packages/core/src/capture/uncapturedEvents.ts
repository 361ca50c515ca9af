/**
 * Events that are not read-only but change nothing the pool-state model holds, each with why. They
 * are not delivered to capture; listing them makes leaving them out a decision, not an oversight.
 */
export const UNCAPTURED_EVENTS: Readonly<Record<string, string>> = {
  InitiateAuth:
    'a sign-in; only a user-migration trigger creates a user here, and a re-read per sign-in is too dear: the reconcile scan picks migrated users up',
  AdminInitiateAuth:
    'a sign-in; only a user-migration trigger creates a user here, and a re-read per sign-in is too dear: the reconcile scan picks migrated users up',
  GlobalSignOut: 'revokes tokens, which the model does not hold',
  AdminUserGlobalSignOut: 'revokes tokens, which the model does not hold',
  RevokeToken: 'revokes a token, which the model does not hold',
  RevokeUserSession: 'ends a session, which the model does not hold',
  AdminRevokeUserSession: 'ends a session, which the model does not hold',
  ConfirmDevice: 'remembered devices are not in the model (their keys live on the device)',
  ForgetDevice: 'remembered devices are not in the model (their keys live on the device)',
  UpdateDeviceStatus: 'remembered devices are not in the model (their keys live on the device)',
  AdminForgetDevice: 'remembered devices are not in the model (their keys live on the device)',
  AdminUpdateDeviceStatus: 'remembered devices are not in the model (their keys live on the device)',
  UpdateAuthEventFeedback: 'feedback on a sign-in risk event, which the model does not hold',
  AdminUpdateAuthEventFeedback: 'feedback on a sign-in risk event, which the model does not hold',
  StartWebAuthnRegistration: 'passkeys are not in the model (they are bound to the authenticator)',
  CompleteWebAuthnRegistration: 'passkeys are not in the model (they are bound to the authenticator)',
  DeleteWebAuthnCredential: 'passkeys are not in the model (they are bound to the authenticator)',
  ResendConfirmationCode: 'sends a code; nothing is stored',
  CreateUserImportJob: 'creates a job that imports nothing until StartUserImportJob',
  CreateManagedLoginBranding: 'managed login branding is not in the model',
  UpdateManagedLoginBranding: 'managed login branding is not in the model',
  DeleteManagedLoginBranding: 'managed login branding is not in the model',
  CreateTerms: 'terms documents are not in the model',
  UpdateTerms: 'terms documents are not in the model',
  DeleteTerms: 'terms documents are not in the model',
  SetLogDeliveryConfiguration: 'log delivery settings are not in the model',
  SetUserPoolSessionConfiguration: 'session settings are not in the model',
  SetUserPoolClientSessionConfiguration: 'session settings are not in the model',
  CreateUserPoolReplica: 'a replica is a pool in another Region, captured on its own if at all',
  UpdateUserPoolReplica: 'a replica is a pool in another Region, captured on its own if at all',
  DeleteUserPoolReplica: 'a replica is a pool in another Region, captured on its own if at all',
  UpdateProvisionedLimit: 'an account quota, not pool state',
  // Hosted UI and managed login requests that are part of a sign-in, not a change.
  CognitoAuthentication: 'a hosted-UI sign-in',
  login_POST: 'a managed-login sign-in',
  Token_POST: 'issues tokens, which the model does not hold',
  Logout: 'ends a session, which the model does not hold',
  SAML2Logout_POST: 'ends a session, which the model does not hold',
  ResendCode_POST: 'sends a code; nothing is stored',
  // These two also complete a TOTP or SMS registration in managed login, but they fire on every MFA
  // sign-in and carry no known user id: TOTP/SMS set up there is picked up by the reconcile scan.
  Mfa_POST: 'an MFA code at sign-in',
  mfa_totp_POST: 'an MFA code at sign-in (or at TOTP registration: left to the reconcile scan)',
  mfa_phone_verify_POST: 'an MFA code at sign-in (or at SMS registration: left to the reconcile scan)',
  MfaOption_POST: 'chooses the MFA factor for this sign-in',
  mfa_options_POST: 'chooses the MFA factor for this sign-in',
  passkeys_add_POST: 'passkeys are not in the model (they are bound to the authenticator)',
  Event_Feedback_GET: 'feedback on a sign-in risk event, which the model does not hold',
};

/** Why an event is deliberately left out, or undefined. */
export function uncapturedReason(eventName: string): string | undefined {
  return Object.hasOwn(UNCAPTURED_EVENTS, eventName) ? UNCAPTURED_EVENTS[eventName] : undefined;
}
