import { FakeCognitoError, invalidParameter } from './errors.js';
import { checkAttributes } from './schema.js';
import { type FakeState, type PoolRecord, type UserRecord, userKey } from './state.js';
import { addressAsUsername, usernameAttributes } from './usernameAttributes.js';

// Cognito's username pattern: letters, marks, symbols, numbers, punctuation; no whitespace.
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

export interface NewUser {
  username: string;
  attributes: [string, string][];
  enabled?: boolean;
  status?: string;
  createdAt?: Date;
}

/**
 * Creates a user with a fresh, immutable `sub`, refusing what Cognito refuses. In a pool with
 * `UsernameAttributes` the given username is an email address or phone number, and the user is named
 * after its sub (see `usernameAttributes.ts`).
 */
export function createUser(state: FakeState, pool: PoolRecord, user: NewUser): UserRecord {
  const given = user.username;
  if (given.length > 128 || !USERNAME.test(given)) {
    throw invalidParameter(`Username ${given} does not match the required pattern`);
  }
  const attributes = addressAsUsername(pool, given, user.attributes);
  checkAttributes(pool, attributes, 'create');
  let sub = state.ids.uuid();
  while (pool.subs.has(sub)) sub = state.ids.uuid();
  const username = usernameAttributes(pool).length > 0 ? sub : given;
  const key = userKey(pool, username);
  if (pool.users.has(key))
    throw new FakeCognitoError('UsernameExistsException', 'User account already exists');
  const created = user.createdAt ?? state.now();
  const record: UserRecord = {
    username,
    sub,
    attributes: new Map(attributes),
    enabled: user.enabled ?? true,
    status: user.status ?? 'FORCE_CHANGE_PASSWORD',
    created,
    modified: created,
    preferredMfa: undefined,
    mfaMethods: [],
    groups: new Set(),
  };
  pool.users.set(key, record);
  pool.subs.set(sub, key);
  return record;
}

export function deleteUser(pool: PoolRecord, user: UserRecord): void {
  const key = userKey(pool, user.username);
  for (const groupName of user.groups) pool.groups.get(groupName)?.members.delete(key);
  pool.subs.delete(user.sub);
  pool.users.delete(key);
}

/** `sub` first, then the other attributes in the order they were set; optionally only some names. */
export function attributeList(
  user: UserRecord,
  only?: ReadonlySet<string>,
): { Name: string; Value: string }[] {
  const all = [{ Name: 'sub', Value: user.sub }];
  for (const [Name, Value] of user.attributes) all.push({ Name, Value });
  return only === undefined ? all : all.filter((a) => only.has(a.Name));
}

/** The UserType shape of ListUsers and ListUsersInGroup. */
export const userView = (user: UserRecord, only?: ReadonlySet<string>) => ({
  Username: user.username,
  Attributes: attributeList(user, only),
  UserCreateDate: user.created,
  UserLastModifiedDate: user.modified,
  Enabled: user.enabled,
  UserStatus: user.status,
});

const MFA_METHODS = {
  SMSMfaSettings: 'SMS_MFA',
  SoftwareTokenMfaSettings: 'SOFTWARE_TOKEN_MFA',
  EmailMfaSettings: 'EMAIL_OTP',
} as const;

function applyMfaSetting(
  user: UserRecord,
  method: string,
  setting: { Enabled?: unknown; PreferredMfa?: unknown },
) {
  const { Enabled, PreferredMfa } = setting;
  if (Enabled === true && !user.mfaMethods.includes(method)) user.mfaMethods.push(method);
  if (Enabled === false) user.mfaMethods = user.mfaMethods.filter((m) => m !== method);
  if (PreferredMfa === true) {
    if (!user.mfaMethods.includes(method)) {
      throw invalidParameter(`${method} cannot be preferred while it is not enabled`);
    }
    user.preferredMfa = method;
  }
  if ((PreferredMfa === false || Enabled === false) && user.preferredMfa === method)
    user.preferredMfa = undefined;
}

/** AdminSetUserMFAPreference: enable/disable each method and move the preferred mark. */
export function setMfaPreference(user: UserRecord, settings: Record<string, unknown>): void {
  for (const [field, method] of Object.entries(MFA_METHODS)) {
    const setting = settings[field];
    if (typeof setting === 'object' && setting !== null) applyMfaSetting(user, method, setting);
  }
}
