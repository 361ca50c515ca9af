import { FakeCognitoError, invalidParameter } from './errors.js';
import type { PoolRecord, UserRecord } from './state.js';

/**
 * Pools created with `UsernameAttributes` (email and/or phone_number) take an email address or a phone
 * number where other pools take a username: Cognito puts it in that attribute, names the user after
 * its new `sub` (a UUID), keeps each address to one user, and finds a user by it in every admin call.
 */

type UsernameAttribute = 'email' | 'phone_number';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+[0-9]{4,15}$/;

export function usernameAttributes(pool: PoolRecord): UsernameAttribute[] {
  const setting = pool.settings.UsernameAttributes;
  if (!Array.isArray(setting)) return [];
  return setting.filter((a): a is UsernameAttribute => a === 'email' || a === 'phone_number');
}

/** Which username attribute a given Username fills, or Cognito's refusal. */
function attributeFor(allowed: readonly UsernameAttribute[], username: string): UsernameAttribute {
  if (allowed.includes('email') && EMAIL.test(username)) return 'email';
  if (allowed.includes('phone_number') && PHONE.test(username)) return 'phone_number';
  if (allowed.length === 2) throw invalidParameter('Username should be either an email or a phone number.');
  throw invalidParameter(
    allowed[0] === 'email' ? 'Username should be an email.' : 'Username should be a phone number.',
  );
}

/** The user holding `value` in a username attribute, if any. */
export function userByAddress(pool: PoolRecord, value: string): UserRecord | undefined {
  const allowed = usernameAttributes(pool);
  if (allowed.length === 0) return undefined;
  for (const user of pool.users.values())
    if (allowed.some((attribute) => user.attributes.get(attribute) === value)) return user;
  return undefined;
}

/** Refuses an address another user of the pool already holds (`error`: Cognito's exception name). */
export function checkAddressFree(
  pool: PoolRecord,
  attributes: readonly [string, string][],
  error: 'UsernameExistsException' | 'AliasExistsException',
  self?: UserRecord,
): void {
  for (const attribute of usernameAttributes(pool)) {
    const value = attributes.find(([name]) => name === attribute)?.[1];
    if (value === undefined) continue;
    for (const user of pool.users.values())
      if (user !== self && user.attributes.get(attribute) === value)
        throw new FakeCognitoError(error, `An account with the given ${attribute} already exists.`);
  }
}

/**
 * AdminCreateUser's Username in such a pool: checked, moved into its attribute (an attribute given
 * with another value is refused, in the words cognito-local records of AWS), and the attributes the
 * user gets. The username itself is the new sub, chosen by the caller.
 */
export function addressAsUsername(
  pool: PoolRecord,
  username: string,
  attributes: readonly [string, string][],
): [string, string][] {
  const allowed = usernameAttributes(pool);
  if (allowed.length === 0) return [...attributes];
  const attribute = attributeFor(allowed, username);
  const given = attributes.find(([name]) => name === attribute)?.[1];
  if (given !== undefined && given !== username) {
    const what = attribute === 'email' ? 'email' : 'phone number';
    throw invalidParameter(
      `User ${what} should be empty or same as username, since username attribute is ${attribute}`,
    );
  }
  const out: [string, string][] =
    given === undefined ? [...attributes, [attribute, username]] : [...attributes];
  checkAddressFree(pool, out, 'UsernameExistsException');
  return out;
}
