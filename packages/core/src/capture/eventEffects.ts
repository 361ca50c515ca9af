import { field } from '../changes/entityFields.js';
import type { JsonObject } from '../model/json.js';
import type { CloudTrailRecord } from './eventSchema.js';
import { valueAt } from './recordFields.js';

/**
 * What a call does to one entity it touches, split by how we can know it (the catalogue says *which*
 * entities; this says *what*):
 * - `whole`: the call deletes the entity, or creates it (it exists from Cognito's creation date);
 * - `set` / `unset`: field values the call itself determines, taken from the event — a user enabled
 *   or disabled, a membership added or removed (the group name is logged in clear), a status;
 * - `reread`: the members whose new values CloudTrail hides (attributes are masked), taken from the
 *   re-read entity and dated by Cognito's own date. `'*'` is every member of the entity.
 * Nothing outside these is recorded from a re-read: other differences belong to their own events, or
 * to reconcile as drift.
 */
export interface EventEffect {
  whole?: 'create' | 'delete';
  set?: (record: CloudTrailRecord) => JsonObject | undefined;
  unset?: (record: CloudTrailRecord) => string[] | undefined;
  reread?: readonly string[];
}

const groupField = (record: CloudTrailRecord): string | undefined => {
  const name = valueAt(record, 'requestParameters.groupName');
  return typeof name === 'string' && name !== '' ? field('groups', name) : undefined;
};

const EVERYTHING = ['*'];
const ATTRIBUTES = ['attributes'];
const MFA = ['mfa'];
const STATUS = ['status'];

const user: Record<string, EventEffect> = {
  // The response logs the new user's status and whether it is enabled in clear.
  AdminCreateUser: {
    whole: 'create',
    reread: EVERYTHING,
    set: (record) => {
      const set: JsonObject = {};
      const status = valueAt(record, 'responseElements.user.userStatus');
      const enabled = valueAt(record, 'responseElements.user.enabled');
      if (typeof status === 'string' && status !== '') set[field('status')] = status;
      if (typeof enabled === 'boolean') set[field('enabled')] = enabled;
      return set;
    },
  },
  AdminDeleteUser: { whole: 'delete' },
  DeleteUser: { whole: 'delete' },
  AdminDisableUser: { set: () => ({ [field('enabled')]: false }) },
  AdminEnableUser: { set: () => ({ [field('enabled')]: true }) },
  AdminAddUserToGroup: {
    set: (record) => {
      const path = groupField(record);
      return path === undefined ? undefined : { [path]: true };
    },
  },
  AdminRemoveUserFromGroup: {
    unset: (record) => {
      const path = groupField(record);
      return path === undefined ? undefined : [path];
    },
  },
  AdminUpdateUserAttributes: { reread: ATTRIBUTES },
  AdminDeleteUserAttributes: { reread: ATTRIBUTES },
  UpdateUserAttributes: { reread: ATTRIBUTES },
  DeleteUserAttributes: { reread: ATTRIBUTES },
  VerifyUserAttribute: { reread: ATTRIBUTES },
  AdminLinkProviderForUser: { reread: ATTRIBUTES },
  AdminDisableProviderForUser: { reread: ATTRIBUTES },
  AdminSetUserMFAPreference: { reread: MFA },
  SetUserMFAPreference: { reread: MFA },
  AdminSetUserSettings: { reread: MFA },
  SetUserSettings: { reread: MFA },
  VerifySoftwareToken: { reread: MFA },
  AssociateSoftwareToken: { reread: MFA },
  AdminDeleteSoftwareToken: { reread: MFA },
  MfaRegister_POST: { reread: MFA },
  mfa_phone_register_POST: { reread: [...ATTRIBUTES, ...MFA] },
  // `permanent` is logged in clear; the password is not.
  AdminSetUserPassword: {
    set: (record) => {
      const permanent = valueAt(record, 'requestParameters.permanent');
      if (typeof permanent !== 'boolean') return undefined;
      return { [field('status')]: permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD' };
    },
    reread: STATUS,
  },
  AdminResetUserPassword: { reread: STATUS },
  // Confirmation sets the status; confirming by code also verifies the email or phone number.
  AdminConfirmSignUp: { set: () => ({ [field('status')]: 'CONFIRMED' }) },
  ConfirmSignUp: { set: () => ({ [field('status')]: 'CONFIRMED' }), reread: ATTRIBUTES },
  Confirm_POST: { set: () => ({ [field('status')]: 'CONFIRMED' }), reread: ATTRIBUTES },
  Confirm_With_Link_GET: { set: () => ({ [field('status')]: 'CONFIRMED' }), reread: ATTRIBUTES },
  signup_confirm_POST: { set: () => ({ [field('status')]: 'CONFIRMED' }), reread: ATTRIBUTES },
  confirmUser_GET: { set: () => ({ [field('status')]: 'CONFIRMED' }), reread: ATTRIBUTES },
  ChangePassword: { reread: STATUS },
  ForgotPassword: { whole: 'create', reread: STATUS },
  ForgotPassword_POST: { reread: STATUS },
  forgotPassword_POST: { reread: STATUS },
  ConfirmForgotPassword: { reread: [...STATUS, ...ATTRIBUTES] },
  ConfirmForgotPassword_POST: { reread: [...STATUS, ...ATTRIBUTES] },
  ResetPassword_POST: { reread: STATUS },
  AdminRespondToAuthChallenge: { reread: [...STATUS, ...ATTRIBUTES, ...MFA] },
  RespondToAuthChallenge: { reread: [...STATUS, ...ATTRIBUTES, ...MFA] },
  // Sign-up and federated sign-in create the user (or, for a returning federated user, rewrite the
  // mapped attributes).
  SignUp: { whole: 'create', reread: EVERYTHING },
  Signup_POST: { whole: 'create', reread: EVERYTHING },
  signup_POST: { whole: 'create', reread: EVERYTHING },
  OAuth2Response_GET: { whole: 'create', reread: ATTRIBUTES },
  OAuth2Response_POST: { whole: 'create', reread: ATTRIBUTES },
  SAML2Response_POST: { whole: 'create', reread: ATTRIBUTES },
  Beta_SAML2Response_POST: { whole: 'create', reread: ATTRIBUTES },
};

/** Deletions of keyed entities and singletons; every other call on them is re-read whole. */
const DELETES: Record<string, readonly string[]> = {
  DeleteGroup: ['group'],
  DeleteUserPoolClient: ['client', 'ui'],
  DeleteIdentityProvider: ['idp'],
  DeleteResourceServer: ['resourceServer'],
  DeleteUserPoolDomain: ['domain'],
};

const CREATES: Record<string, readonly string[]> = {
  CreateGroup: ['group'],
  CreateUserPoolClient: ['client'],
  CreateIdentityProvider: ['idp'],
  CreateResourceServer: ['resourceServer'],
  CreateUserPoolDomain: ['domain'],
  CreateUserPool: ['pool', 'mfa', 'tags'],
};

/**
 * The effect of `eventName` on an entity of `kind`. An event the table does not name for that kind
 * (UpdateGroup, SetUICustomization, TagResource, the domain's effect on the pool document…) changes
 * the entity in ways only the re-read shows: every member, from the re-read.
 */
export function eventEffect(eventName: string, kind: string): EventEffect {
  if (kind === 'user')
    return Object.hasOwn(user, eventName) ? (user[eventName] as EventEffect) : { reread: EVERYTHING };
  if (DELETES[eventName]?.includes(kind) === true) return { whole: 'delete' };
  if (CREATES[eventName]?.includes(kind) === true) return { whole: 'create', reread: EVERYTHING };
  return { reread: EVERYTHING };
}
