import type { SingletonKind } from '../model/entityKey.js';

/**
 * Every Cognito user pool event that can change what the pool-state model holds, mapped to the
 * entities capture must re-read after it. This one table drives both the capture Lambda (what to
 * re-read) and the infrastructure (which events the EventBridge rule delivers, `eventRulePattern`).
 *
 * Capture never trusts an event's own parameters for the new state: it re-reads the entity from
 * Cognito. So a touch says only *which* entity, and where in the CloudTrail record its id is. Ids are
 * read only from fields Cognito logs in clear. `username` and `userAttributes` are masked
 * (`HIDDEN_DUE_TO_SECURITY_REASONS`), and even an unmasked username may be an alias (email, phone),
 * so users are always found by their `sub`.
 *
 * Sources: the Cognito API reference (operation list of `@aws-sdk/client-cognito-identity-provider`
 * 3.1169), "Amazon Cognito logging in AWS CloudTrail" (the hosted-UI and managed-login event names),
 * and the published CloudTrail samples. An event that changes something the model does not hold
 * (devices, tokens, branding…) is listed in `UNCAPTURED_EVENTS` with the reason instead.
 */

/** Where in the CloudTrail record an id is, as a dotted path. */
export type RecordPath = `${'requestParameters' | 'responseElements' | 'additionalEventData'}.${string}`;

export type Touch =
  /** A singleton entity: `pool`, `mfa`, `domain`, `riskConfiguration`, `tags`. */
  | { kind: SingletonKind }
  /**
   * One user, found by `sub` (see `SUB_PATHS`). Capture turns it into a username with ListUsers
   * (`sub = "…"`), or, when the user is gone (a deletion), from the head state's `attributes.sub`.
   */
  | { kind: 'user'; by: 'sub' }
  /** A keyed entity whose id is at `from`. */
  | { kind: 'group' | 'client' | 'idp' | 'resourceServer'; from: RecordPath }
  /** One UI customization, by client id; `absent: 'ALL'` when no client id means the pool default. */
  | { kind: 'ui'; from: RecordPath; absent?: 'ALL' }
  /**
   * Side effect of deleting a group: each member's `groups` list changed. Cognito no longer knows who
   * the members were, so capture re-reads the members it knows from the head state.
   */
  | { kind: 'groupMembers'; from: RecordPath }
  /** Every UI customization the head state knows (`ui:ALL` and `ui:<clientId>`). */
  | { kind: 'everyUi' }
  /**
   * The whole pool: a reconcile scan. `end`: the pool is gone and every chain ends.
   * `afterImportJob`: the change happens in a job that runs after the call; reconcile once it is over.
   */
  | { kind: 'wholePool'; end?: true; afterImportJob?: RecordPath };

/**
 * Where Cognito puts the user's `sub`, tried in this order. AWS logs the sub, not the username, to
 * tell users apart ("Amazon Cognito records UserSub but not UserName in CloudTrail logs").
 */
export const SUB_PATHS: readonly RecordPath[] = [
  // API calls about one user (the only user identity they log).
  'additionalEventData.sub',
  // Hosted-UI form posts, as a one-element array (the published Confirm_POST sample).
  'additionalEventData.requestParameters.sub',
  // SignUp answers with the new user's sub (`UserSub`).
  'responseElements.userSub',
];

const user: Touch = { kind: 'user', by: 'sub' };
const pool: Touch = { kind: 'pool' };
const group: Touch = { kind: 'group', from: 'requestParameters.groupName' };
const client: Touch = { kind: 'client', from: 'requestParameters.clientId' };
const idp: Touch = { kind: 'idp', from: 'requestParameters.providerName' };
const resourceServer: Touch = { kind: 'resourceServer', from: 'requestParameters.identifier' };
const importJob: Touch = { kind: 'wholePool', afterImportJob: 'requestParameters.jobId' };

export const EVENT_CATALOGUE: Readonly<Record<string, readonly Touch[]>> = {
  // ── Users, by an administrator (IAM-signed) ────────────────────────────────────────────────────
  AdminCreateUser: [user],
  AdminDeleteUser: [user],
  AdminUpdateUserAttributes: [user],
  AdminDeleteUserAttributes: [user],
  AdminDisableUser: [user],
  AdminEnableUser: [user],
  // Membership lives on the user (`groups`); the group entity holds no member list.
  AdminAddUserToGroup: [user],
  AdminRemoveUserFromGroup: [user],
  AdminSetUserMFAPreference: [user],
  // Legacy SMS MFA options: can change the user's MFA settings.
  AdminSetUserSettings: [user],
  // Status: CONFIRMED when permanent, FORCE_CHANGE_PASSWORD when temporary.
  AdminSetUserPassword: [user],
  // Status: RESET_REQUIRED.
  AdminResetUserPassword: [user],
  AdminConfirmSignUp: [user],
  // The destination user's `identities` attribute. The request names the users by provider attributes
  // (masked or external ids), so only the logged sub can say which user it was.
  AdminLinkProviderForUser: [user],
  // Unlinks an external identity from the user it was linked to, or stops a native user's password
  // sign-in. Which of the two users' sub Cognito logs is not documented: the one logged is re-read.
  AdminDisableProviderForUser: [user],
  // NEW_PASSWORD_REQUIRED sets the password and required attributes (status → CONFIRMED); MFA_SETUP
  // registers a factor.
  AdminRespondToAuthChallenge: [user],
  AdminDeleteSoftwareToken: [user],

  // ── Users, by themselves (public client-id calls and access-token calls) ───────────────────────
  SignUp: [user],
  ConfirmSignUp: [user],
  UpdateUserAttributes: [user],
  DeleteUserAttributes: [user],
  // Sets `<attribute>_verified`.
  VerifyUserAttribute: [user],
  DeleteUser: [user],
  SetUserMFAPreference: [user],
  SetUserSettings: [user],
  // Changes no field the model holds as far as AWS documents, but it is rare and it is a change to
  // the user: one re-read costs less than a missed status or modification-time change.
  ChangePassword: [user],
  // A user-migration Lambda trigger creates the user here; otherwise the re-read changes nothing.
  ForgotPassword: [user],
  // Status RESET_REQUIRED → CONFIRMED.
  ConfirmForgotPassword: [user],
  // May answer NEW_PASSWORD_REQUIRED (a forced password change) or MFA_SETUP: re-read the user. It
  // also fires on every challenge sign-in; the re-read is one AdminGetUser.
  RespondToAuthChallenge: [user],
  VerifySoftwareToken: [user],
  // Only starts TOTP setup (VerifySoftwareToken completes it). AWS does not document whether a pending
  // association already changes the user's MFA settings; it is rare, so re-read rather than miss one.
  AssociateSoftwareToken: [user],

  // ── Groups ─────────────────────────────────────────────────────────────────────────────────────
  CreateGroup: [group],
  UpdateGroup: [group],
  DeleteGroup: [group, { kind: 'groupMembers', from: 'requestParameters.groupName' }],

  // ── The pool and its singletons ────────────────────────────────────────────────────────────────
  // The new pool's id is only in the response. Its MFA mode and tags are set by the same call.
  CreateUserPool: [pool, { kind: 'mfa' }, { kind: 'tags' }],
  // UpdateUserPool also takes MfaConfiguration and UserPoolTags, and its add-ons / tier decide
  // whether a risk configuration can be read at all.
  UpdateUserPool: [pool, { kind: 'mfa' }, { kind: 'tags' }, { kind: 'riskConfiguration' }],
  DeleteUserPool: [{ kind: 'wholePool', end: true }],
  // The pool document repeats MfaConfiguration and the SMS settings, and its LastModifiedDate moves.
  SetUserPoolMfaConfig: [{ kind: 'mfa' }, pool],
  // New entries in the pool's SchemaAttributes.
  AddCustomAttributes: [pool],
  // No ClientId (or `ALL`) sets the pool default, `ui:ALL`.
  SetUICustomization: [{ kind: 'ui', from: 'requestParameters.clientId', absent: 'ALL' }],
  // A per-client risk configuration (ClientId set) is not in the model; the pool's is re-read either
  // way, which is a no-op for a client-level call.
  SetRiskConfiguration: [{ kind: 'riskConfiguration' }],
  // The pool document names its domains (Domain, CustomDomain) and the reader reads UI customizations
  // only while the pool has a domain, so a domain appearing or going changes all three.
  CreateUserPoolDomain: [{ kind: 'domain' }, pool, { kind: 'everyUi' }],
  // A new certificate or managed-login version; the pool's LastModifiedDate moves too.
  UpdateUserPoolDomain: [{ kind: 'domain' }, pool],
  DeleteUserPoolDomain: [{ kind: 'domain' }, pool, { kind: 'everyUi' }],
  // The pool id is read from requestParameters.resourceArn (only user pools take tags in cognito-idp).
  TagResource: [{ kind: 'tags' }],
  UntagResource: [{ kind: 'tags' }],

  // ── App clients ────────────────────────────────────────────────────────────────────────────────
  // The new client's id is only in the response.
  CreateUserPoolClient: [{ kind: 'client', from: 'responseElements.userPoolClient.clientId' }],
  UpdateUserPoolClient: [client],
  // Cognito drops the client's own UI customization with it.
  DeleteUserPoolClient: [client, { kind: 'ui', from: 'requestParameters.clientId' }],
  // Secret rotation: the model keeps only whether a secret exists (HasClientSecret).
  AddUserPoolClientSecret: [client],
  DeleteUserPoolClientSecret: [client],

  // ── Identity providers and resource servers ────────────────────────────────────────────────────
  CreateIdentityProvider: [idp],
  UpdateIdentityProvider: [idp],
  DeleteIdentityProvider: [idp],
  CreateResourceServer: [resourceServer],
  UpdateResourceServer: [resourceServer],
  DeleteResourceServer: [resourceServer],

  // ── User import jobs ───────────────────────────────────────────────────────────────────────────
  // The job creates users in bulk after the call returns and logs no event per user: reconcile the
  // whole pool once the job is over. Stopping a job ends it early, with the users imported so far.
  StartUserImportJob: [importJob],
  StopUserImportJob: [importJob],

  // ── Hosted UI (classic) requests, eventType AwsServiceEvent ────────────────────────────────────
  // Users found by sub like API calls. The published Signup_POST and SAML2Response_POST samples carry
  // no sub (the username is masked), so these usually come out unresolved: capture learns that *a*
  // user changed and leaves the rest to a reconcile.
  // A new user.
  Signup_POST: [user],
  // The user enters the emailed code: status → CONFIRMED.
  Confirm_POST: [user],
  // The same through the link in the email.
  Confirm_With_Link_GET: [user],
  // Hosted-UI twins of ForgotPassword / ConfirmForgotPassword, and the forced new password.
  ForgotPassword_POST: [user],
  ConfirmForgotPassword_POST: [user],
  ResetPassword_POST: [user],
  // TOTP registration.
  MfaRegister_POST: [user],
  // A federated sign-in creates the user on first sign-in and rewrites mapped attributes on each.
  OAuth2Response_GET: [user],
  OAuth2Response_POST: [user],
  SAML2Response_POST: [user],
  Beta_SAML2Response_POST: [user],

  // ── Managed login requests, eventType AwsServiceEvent (names are case-sensitive) ───────────────
  signup_POST: [user],
  signup_confirm_POST: [user],
  confirmUser_GET: [user],
  forgotPassword_POST: [user],
  // Registers a phone number as an MFA factor (sets phone_number).
  mfa_phone_register_POST: [user],
};

/** The catalogue entry of an event name, or undefined (own properties only: `toString` is no event). */
export function catalogueEntry(eventName: string): readonly Touch[] | undefined {
  return Object.hasOwn(EVENT_CATALOGUE, eventName) ? EVENT_CATALOGUE[eventName] : undefined;
}

/** Every catalogued event name, sorted. */
export const CATALOGUED_EVENT_NAMES: readonly string[] = Object.keys(EVENT_CATALOGUE).sort();
