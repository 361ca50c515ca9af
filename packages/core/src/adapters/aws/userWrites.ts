import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  type AdminCreateUserCommandInput,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminLinkProviderForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateUserAttributesCommand,
  type MFAOptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import type {
  CreateUserOptions,
  MfaFactorSetting,
  ProviderUser,
  RawUser,
  UserMfaPreference,
} from '../../model/raw.js';
import type { CognitoCalls } from './cognitoCalls.js';
import { entityWrite, poolWrite } from './writeSites.js';

/** Writes to one user: the user itself, its attributes, MFA settings, memberships and linked identities. */

const attributeList = (attributes: Record<string, string>) =>
  Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));

export async function createUser(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  attributes: Record<string, string>,
  options: CreateUserOptions,
): Promise<RawUser> {
  const input: AdminCreateUserCommandInput = {
    UserPoolId: poolId,
    Username: username,
    UserAttributes: attributeList(attributes),
  };
  if (options.suppressMessages) input.MessageAction = 'SUPPRESS';
  else if (options.deliveryMediums !== undefined) input.DesiredDeliveryMediums = [...options.deliveryMediums];
  const out = await poolWrite(calls, 'users', 'AdminCreateUser', poolId, () =>
    calls.client.send(new AdminCreateUserCommand(input)),
  );
  const { Attributes, MFAOptions, ...rest } = out.User ?? {};
  const user: RawUser = { Attributes: (Attributes ?? []).map((attribute) => ({ ...attribute })) };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (user as Record<string, unknown>)[key] = value;
  }
  if (MFAOptions !== undefined) user.MFAOptions = MFAOptions.map((option: MFAOptionType) => ({ ...option }));
  return user;
}

export async function updateUserAttributes(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  attributes: Record<string, string>,
): Promise<void> {
  const input = { UserPoolId: poolId, Username: username, UserAttributes: attributeList(attributes) };
  await poolWrite(calls, 'users', 'AdminUpdateUserAttributes', poolId, () =>
    calls.client.send(new AdminUpdateUserAttributesCommand(input)),
  );
}

export async function deleteUserAttributes(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  names: readonly string[],
): Promise<void> {
  const input = { UserPoolId: poolId, Username: username, UserAttributeNames: [...names] };
  await poolWrite(calls, 'users', 'AdminDeleteUserAttributes', poolId, () =>
    calls.client.send(new AdminDeleteUserAttributesCommand(input)),
  );
}

export async function setUserEnabled(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  enabled: boolean,
): Promise<void> {
  const input = { UserPoolId: poolId, Username: username };
  await poolWrite(calls, 'users', enabled ? 'AdminEnableUser' : 'AdminDisableUser', poolId, () =>
    enabled
      ? calls.client.send(new AdminEnableUserCommand(input))
      : calls.client.send(new AdminDisableUserCommand(input)),
  );
}

const factor = (setting: MfaFactorSetting | undefined) =>
  setting === undefined ? undefined : { Enabled: setting.enabled, PreferredMfa: setting.preferred };

export async function setUserMfaPreference(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  preference: UserMfaPreference,
): Promise<void> {
  // Only the factors given are sent: Cognito leaves the others as they are.
  const settings = {
    SMSMfaSettings: factor(preference.sms),
    EmailMfaSettings: factor(preference.email),
    SoftwareTokenMfaSettings: factor(preference.softwareToken),
  };
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  await poolWrite(calls, 'userMfa', 'AdminSetUserMFAPreference', poolId, () =>
    calls.client.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: username, ...given }),
    ),
  );
}

export async function deleteUser(calls: CognitoCalls, poolId: string, username: string): Promise<void> {
  await poolWrite(calls, 'users', 'AdminDeleteUser', poolId, () =>
    calls.client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: username })),
  );
}

export async function addUserToGroup(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  groupName: string,
): Promise<void> {
  const input = { UserPoolId: poolId, Username: username, GroupName: groupName };
  await entityWrite(calls, 'groups', 'AdminAddUserToGroup', poolId, () =>
    calls.client.send(new AdminAddUserToGroupCommand(input)),
  );
}

export async function removeUserFromGroup(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  groupName: string,
): Promise<void> {
  const input = { UserPoolId: poolId, Username: username, GroupName: groupName };
  await entityWrite(calls, 'groups', 'AdminRemoveUserFromGroup', poolId, () =>
    calls.client.send(new AdminRemoveUserFromGroupCommand(input)),
  );
}

export async function linkProviderForUser(
  calls: CognitoCalls,
  poolId: string,
  username: string,
  source: ProviderUser,
): Promise<void> {
  const input = {
    UserPoolId: poolId,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
    SourceUser: {
      ProviderName: source.providerName,
      ProviderAttributeName: source.attributeName,
      ProviderAttributeValue: source.attributeValue,
    },
  };
  await entityWrite(calls, 'linkedIdentities', 'AdminLinkProviderForUser', poolId, () =>
    calls.client.send(new AdminLinkProviderForUserCommand(input)),
  );
}
