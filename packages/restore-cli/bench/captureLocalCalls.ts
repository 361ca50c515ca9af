import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { seconds } from './captureShared.js';

/** The API calls the local recovery-point benchmark makes, and their schedule. */

/** Calls between two calls about the same user, so most re-reads see one change at a time. */
const STAGGER = 3;
export const GROUP = 'bench-group';

export const OPERATIONS = [
  'AdminCreateUser',
  'AdminUpdateUserAttributes',
  'AdminAddUserToGroup',
  'AdminDisableUser',
  'AdminDeleteUser',
] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * `total` calls: each new user is created, updated, added to the group and disabled, and one user
 * that was there before the run (in the first full read) is deleted, the users staggered so that calls
 * about different users interleave. Deletions name older users: a user deleted a moment after its
 * creation would be gone before a lagging capture re-read it, and only reconcile would record it.
 */
function plan(total: number): { operation: Operation; user: number }[] {
  const users = Math.ceil(total / OPERATIONS.length);
  const calls: { operation: Operation; user: number }[] = [];
  for (let t = 0; calls.length < total; t++)
    for (const [stage, operation] of OPERATIONS.entries()) {
      const user = t - stage * STAGGER;
      if (user >= 0 && user < users && calls.length < total) calls.push({ operation, user });
    }
  return calls;
}

const newUser = (user: number) => `bench-user-${String(user).padStart(4, '0')}`;
export const oldUser = (user: number) => `old-user-${String(user).padStart(4, '0')}`;

export const createUser = (cognito: CognitoIdentityProviderClient, poolId: string, username: string) =>
  cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'custom:tenant', Value: 'acme' },
      ],
    }),
  );

function send(cognito: CognitoIdentityProviderClient, poolId: string, operation: Operation, user: number) {
  const base = { UserPoolId: poolId, Username: newUser(user) };
  switch (operation) {
    case 'AdminCreateUser':
      return createUser(cognito, poolId, base.Username);
    case 'AdminUpdateUserAttributes':
      return cognito.send(
        new AdminUpdateUserAttributesCommand({
          ...base,
          UserAttributes: [{ Name: 'custom:tenant', Value: 'globex' }],
        }),
      );
    case 'AdminAddUserToGroup':
      return cognito.send(new AdminAddUserToGroupCommand({ ...base, GroupName: GROUP }));
    case 'AdminDisableUser':
      return cognito.send(new AdminDisableUserCommand(base));
    case 'AdminDeleteUser':
      return cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: oldUser(user) }));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The calls, one after another: back to back, or each started on a fixed schedule of `rate` a second. */
export async function makeCalls(
  cognito: CognitoIdentityProviderClient,
  poolId: string,
  total: number,
  rate: number | undefined,
) {
  const calls = plan(total);
  const resolvedAt: number[] = [];
  const callMs: number[] = [];
  const start = performance.now();
  for (const [n, { operation, user }] of calls.entries()) {
    if (rate !== undefined) await sleep(start + (n * 1000) / rate - performance.now());
    const sent = performance.now();
    await send(cognito, poolId, operation, user);
    resolvedAt.push(performance.now());
    callMs.push(performance.now() - sent);
  }
  return { calls, resolvedAt, callMs, start, seconds: seconds(start) };
}
