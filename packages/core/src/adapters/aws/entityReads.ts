import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminListGroupsForUserCommand,
  DescribeIdentityProviderCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  GetGroupCommand,
  ListGroupsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { EntityGoneError } from '../../errors.js';
import type { RawRecord, RawUser, RawUserMfa } from '../../model/raw.js';
import type { CognitoCalls } from './cognitoCalls.js';
import { paginate, plain } from './paginate.js';

/*
 * One entity at a time, as a restore re-reads it just before changing it. A thing that does not
 * exist answers undefined; a missing pool is still PoolNotFoundError, and an endpoint without the
 * component (cognito-local: identity providers, resource servers) ComponentUnsupportedError.
 */

// A user that does not exist is UserNotFoundException; a ResourceNotFoundException can only be the pool's.
const NO_USER = ['UserNotFoundException'];

/** The MFA part of an AdminGetUser answer; fields Cognito left out stay out. */
export function mfaOf(out: AdminGetUserCommandOutput): RawUserMfa {
  const mfa: RawUserMfa = {};
  if (out.PreferredMfaSetting !== undefined) mfa.PreferredMfaSetting = out.PreferredMfaSetting;
  if (out.UserMFASettingList !== undefined) mfa.UserMFASettingList = [...out.UserMFASettingList];
  return mfa;
}

/** AdminGetUser's answer in ListUsers' shape (`Attributes`), its MFA settings kept. */
function userOf(out: AdminGetUserCommandOutput): RawUser & RawUserMfa {
  const { $metadata: _metadata, UserAttributes, ...rest } = out;
  const user: RawRecord = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) user[key] = value;
  user.Attributes = (UserAttributes ?? []).map((attribute) => ({ ...attribute }));
  return { ...(user as RawUser), ...mfaOf(out) };
}

export async function getUser(
  calls: CognitoCalls,
  poolId: string,
  username: string,
): Promise<(RawUser & RawUserMfa) | undefined> {
  const site = { component: 'users', operation: 'AdminGetUser', poolId };
  const out = await calls.callOrAbsent(site, NO_USER, () =>
    calls.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })),
  );
  return out === undefined ? undefined : userOf(out);
}

export async function findUsernameBySub(
  calls: CognitoCalls,
  poolId: string,
  sub: string,
): Promise<string | undefined> {
  // A sub is a UUID; anything else could not match, and must not reach the filter's quoting.
  if (!/^[0-9A-Za-z-]{1,128}$/.test(sub)) return undefined;
  const out = await calls.call({ component: 'users', operation: 'ListUsers', poolId }, () =>
    calls.client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `sub = "${sub}"`, Limit: 1 })),
  );
  return out.Users?.[0]?.Username;
}

export async function listGroupsForUser(
  calls: CognitoCalls,
  poolId: string,
  username: string,
): Promise<string[] | undefined> {
  const site = { component: 'groups', operation: 'AdminListGroupsForUser', poolId };
  const groups = paginate(site.operation, async (NextToken) => {
    const input = { UserPoolId: poolId, Username: username, Limit: calls.page(60), NextToken };
    const out = await calls.callOrAbsent(site, NO_USER, () =>
      calls.client.send(new AdminListGroupsForUserCommand(input)),
    );
    // Deleted before the first page or while paging: a partial list would be a state that never was.
    if (out === undefined) throw new EntityGoneError(`user:${username}`);
    return { items: out.Groups, next: out.NextToken };
  });
  const names: string[] = [];
  try {
    for await (const { GroupName } of groups) if (GroupName !== undefined) names.push(GroupName);
  } catch (error) {
    if (error instanceof EntityGoneError) return undefined;
    throw error;
  }
  return names;
}

export async function getGroup(
  calls: CognitoCalls,
  poolId: string,
  groupName: string,
): Promise<RawRecord | undefined> {
  const site = { component: 'groups', operation: 'GetGroup' };
  const out = await calls
    .callUnlessGone(site, poolId, () =>
      calls.client.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: groupName })),
    )
    .catch(async (error: unknown) => {
      // cognito-local 5.3 fails every group lookup with a bare HTTP 500 on a pool that has never had
      // a group (its store has no Groups key yet); a listing answers correctly there.
      if (!isBareServerError(error)) throw error;
      for await (const group of listGroupsOf(calls, poolId))
        if (group.GroupName === groupName) return { Group: group };
      return undefined;
    });
  return out?.Group === undefined ? undefined : plain(out.Group);
}

const isBareServerError = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  const inner = (e?.cause ?? e) as typeof e;
  return inner?.$metadata?.httpStatusCode === 500 && ['UnknownError', 'Unknown'].includes(inner.name ?? '');
};

function listGroupsOf(calls: CognitoCalls, poolId: string) {
  return calls.pages({ component: 'groups', operation: 'ListGroups', poolId }, async (NextToken) => {
    const out = await calls.client.send(
      new ListGroupsCommand({ UserPoolId: poolId, Limit: calls.page(60), NextToken }),
    );
    return { items: out.Groups, next: out.NextToken };
  });
}

export async function describeClient(
  calls: CognitoCalls,
  poolId: string,
  clientId: string,
): Promise<RawRecord | undefined> {
  const site = { component: 'clients', operation: 'DescribeUserPoolClient' };
  const out = await calls.callUnlessGone(site, poolId, () =>
    calls.client.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })),
  );
  return out?.UserPoolClient === undefined ? undefined : plain(out.UserPoolClient);
}

export async function describeIdentityProvider(
  calls: CognitoCalls,
  poolId: string,
  providerName: string,
): Promise<RawRecord | undefined> {
  const site = { component: 'identityProviders', operation: 'DescribeIdentityProvider' };
  const input = { UserPoolId: poolId, ProviderName: providerName };
  const out = await calls.callUnlessGone(site, poolId, () =>
    calls.client.send(new DescribeIdentityProviderCommand(input)),
  );
  return out?.IdentityProvider === undefined ? undefined : plain(out.IdentityProvider);
}

export async function describeResourceServer(
  calls: CognitoCalls,
  poolId: string,
  identifier: string,
): Promise<RawRecord | undefined> {
  const site = { component: 'resourceServers', operation: 'DescribeResourceServer' };
  const input = { UserPoolId: poolId, Identifier: identifier };
  const out = await calls.callUnlessGone(site, poolId, () =>
    calls.client.send(new DescribeResourceServerCommand(input)),
  );
  return out?.ResourceServer === undefined ? undefined : plain(out.ResourceServer);
}
