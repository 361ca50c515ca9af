import { invalidParameter } from './errors.js';
import type { UserRecord } from './state.js';

/** The attributes ListUsers can filter on, per the API reference. */
const FILTERABLE = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
]);

const FILTER = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

function attributeValue(user: UserRecord, attribute: string): string | undefined {
  switch (attribute) {
    case 'username':
      return user.username;
    case 'sub':
      return user.sub;
    case 'cognito:user_status':
      return user.status;
    case 'status':
      return user.enabled ? 'Enabled' : 'Disabled';
    default:
      return user.attributes.get(attribute);
  }
}

/**
 * ListUsers' `Filter`: `attribute = "value"` (exact) or `attribute ^= "value"` (prefix), one clause,
 * on the documented attributes only. Undefined (no filter) keeps every user.
 */
export function parseUserFilter(filter: string | undefined): ((user: UserRecord) => boolean) | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const match = FILTER.exec(filter);
  const [, attribute, operator, raw] = match ?? [];
  if (attribute === undefined || operator === undefined || raw === undefined || !FILTERABLE.has(attribute)) {
    throw invalidParameter(`Invalid search filter ${filter}`);
  }
  const wanted = raw.replace(/\\(.)/g, '$1');
  return (user) => {
    const value = attributeValue(user, attribute);
    if (value === undefined) return false;
    return operator === '=' ? value === wanted : value.startsWith(wanted);
  };
}
