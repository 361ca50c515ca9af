/**
 * The calls that take something away from a pool: deletions of users and their attributes,
 * disables, removals from groups, and deletions of groups, app clients, identity providers, resource
 * servers, the domain and the pool itself. Many of them by one caller in a short time is what an
 * incident looks like (a runaway script, a stolen key): burst detection counts exactly these. Every
 * name is a catalogued event (`EVENT_CATALOGUE`), which a test checks.
 */
export const DESTRUCTIVE_EVENTS: readonly string[] = [
  'AdminDeleteUser',
  'DeleteUser',
  'AdminDeleteUserAttributes',
  'DeleteUserAttributes',
  'AdminDisableUser',
  'AdminDisableProviderForUser',
  'AdminRemoveUserFromGroup',
  'DeleteGroup',
  'DeleteUserPoolClient',
  'DeleteIdentityProvider',
  'DeleteResourceServer',
  'DeleteUserPoolDomain',
  'DeleteUserPool',
];

const DESTRUCTIVE = new Set(DESTRUCTIVE_EVENTS);

/** Whether a call of this name counts towards a burst. */
export const isDestructive = (eventName: string): boolean => DESTRUCTIVE.has(eventName);
