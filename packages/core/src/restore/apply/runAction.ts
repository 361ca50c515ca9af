import type { CreateUserOptions, RawRecord, RawUser } from '../../model/raw.js';
import type { CognitoReader, CognitoWriter } from '../../ports.js';
import type { ActionInputs, RestoreAction, RestoreActionKind } from '../plan/restorePlan.js';

/** The Cognito operation behind each action: its quota category paces it. */
export const ACTION_OPERATION: Record<RestoreActionKind, string> = {
  updatePool: 'UpdateUserPool',
  setMfaConfig: 'SetUserPoolMfaConfig',
  createGroup: 'CreateGroup',
  updateGroup: 'UpdateGroup',
  deleteGroup: 'DeleteGroup',
  createUser: 'AdminCreateUser',
  replaceUser: 'AdminDeleteUser',
  adoptUser: 'AdminGetUser',
  updateUserAttributes: 'AdminUpdateUserAttributes',
  deleteUserAttributes: 'AdminDeleteUserAttributes',
  enableUser: 'AdminEnableUser',
  disableUser: 'AdminDisableUser',
  setUserMfa: 'AdminSetUserMFAPreference',
  deleteUser: 'AdminDeleteUser',
  addToGroup: 'AdminAddUserToGroup',
  removeFromGroup: 'AdminRemoveUserFromGroup',
  linkProvider: 'AdminLinkProviderForUser',
  createClient: 'CreateUserPoolClient',
  updateClient: 'UpdateUserPoolClient',
  deleteClient: 'DeleteUserPoolClient',
  createIdentityProvider: 'CreateIdentityProvider',
  updateIdentityProvider: 'UpdateIdentityProvider',
  deleteIdentityProvider: 'DeleteIdentityProvider',
  createResourceServer: 'CreateResourceServer',
  updateResourceServer: 'UpdateResourceServer',
  deleteResourceServer: 'DeleteResourceServer',
  createDomain: 'CreateUserPoolDomain',
  deleteDomain: 'DeleteUserPoolDomain',
  setUiCustomization: 'SetUICustomization',
  setRiskConfiguration: 'SetRiskConfiguration',
  tagPool: 'TagResource',
  untagPool: 'UntagResource',
};

export interface ActionTarget {
  writer: CognitoWriter;
  reader: CognitoReader;
  poolId: string;
  arn: string | undefined;
  /** Client id at T → live client id (grows as clients are re-created). */
  clientId(id: string): string;
}

function arnOf(target: ActionTarget): string {
  if (target.arn === undefined)
    throw new Error(`the ARN of pool ${target.poolId} is unknown: tags cannot be written`);
  return target.arn;
}

/**
 * Identity provider secrets are never stored, so an update keeps the ones the live provider has:
 * UpdateIdentityProvider replaces ProviderDetails whole and would otherwise erase them.
 */
async function withLiveSecrets(
  target: ActionTarget,
  input: ActionInputs['updateIdentityProvider'],
): Promise<RawRecord> {
  const live = await target.reader.describeIdentityProvider(target.poolId, input.ProviderName);
  const liveDetails = isRecord(live?.ProviderDetails) ? live.ProviderDetails : {};
  const details: Record<string, unknown> = { ...input.ProviderDetails };
  for (const secret of ['client_secret', 'private_key'])
    if (liveDetails[secret] !== undefined && details[secret] === undefined)
      details[secret] = liveDetails[secret];
  const { ProviderType: _type, ...update } = input;
  return { ...update, ProviderDetails: details };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * No email or SMS unless asked (`--notify`); when asked, the invitation goes where the user can get
 * it (Cognito's default, SMS, fails for a user without a phone number).
 */
function createOptions(notify: boolean, attributes: Record<string, string>): CreateUserOptions {
  if (!notify) return { suppressMessages: true };
  const mediums: ('EMAIL' | 'SMS')[] = [];
  if (attributes.email !== undefined) mediums.push('EMAIL');
  if (attributes.phone_number !== undefined) mediums.push('SMS');
  return { suppressMessages: false, ...(mediums.length > 0 ? { deliveryMediums: mediums } : {}) };
}

/** What a call hands back that the ledgers keep: a user's new sub and name, a client's new id. */
export interface ActionAnswer {
  newSub?: string;
  newUsername?: string;
  newClientId?: string;
}

/** A user's sub, and its name (Cognito generates it where email or phone is the username). */
function userAnswer(user: RawUser): ActionAnswer {
  const sub = user.Attributes?.find((a) => a.Name === 'sub')?.Value;
  return {
    ...(sub === undefined ? {} : { newSub: sub }),
    ...(user.Username === undefined ? {} : { newUsername: user.Username }),
  };
}

/**
 * The live user the plan judged, read again: a replacement deletes, and an adoption records, only
 * the user whose sub the plan saw, never another one that took the name since.
 */
async function theUserSeen(
  target: ActionTarget,
  { Username: username, Sub: seen }: ActionInputs['replaceUser' | 'adoptUser'],
): Promise<RawUser> {
  const user = await target.reader.getUser(target.poolId, username);
  const sub = user?.Attributes?.find((a) => a.Name === 'sub')?.Value;
  if (user === undefined || sub !== seen)
    throw new Error(
      `${username} is no longer the user the plan saw (sub ${seen}, now ${sub ?? 'none'}): left as it is`,
    );
  return user;
}

/** Runs one action's single Cognito call; returns what the ledgers need to know. */
export async function runAction(
  target: ActionTarget,
  action: RestoreAction,
): Promise<ActionAnswer | undefined> {
  const { writer, poolId } = target;
  switch (action.kind) {
    case 'updatePool':
      await writer.updateUserPool(poolId, action.input);
      return;
    case 'setMfaConfig':
      await writer.setMfaConfig(poolId, action.input);
      return;
    case 'createGroup':
      await writer.createGroup(poolId, action.input);
      return;
    case 'updateGroup':
      await writer.updateGroup(poolId, action.input);
      return;
    case 'deleteGroup':
      await writer.deleteGroup(poolId, action.input.GroupName);
      return;
    case 'createUser': {
      const { Username, UserAttributes, notify } = action.input;
      const options = createOptions(notify, UserAttributes);
      return userAnswer(await writer.createUser(poolId, Username, UserAttributes, options));
    }
    case 'replaceUser':
      await theUserSeen(target, action.input);
      await writer.deleteUser(poolId, action.input.Username);
      return;
    case 'adoptUser':
      return userAnswer(await theUserSeen(target, action.input));
    case 'updateUserAttributes': {
      const { Username, UserAttributes } = action.input;
      await writer.updateUserAttributes(poolId, Username, UserAttributes);
      return;
    }
    case 'deleteUserAttributes': {
      const { Username, UserAttributeNames } = action.input;
      await writer.deleteUserAttributes(poolId, Username, UserAttributeNames);
      return;
    }
    case 'enableUser':
    case 'disableUser':
      await writer.setUserEnabled(poolId, action.input.Username, action.kind === 'enableUser');
      return;
    case 'setUserMfa': {
      const { Username, sms, email } = action.input;
      await writer.setUserMfaPreference(poolId, Username, { sms, email });
      return;
    }
    case 'deleteUser':
      await writer.deleteUser(poolId, action.input.Username);
      return;
    case 'addToGroup':
      await writer.addUserToGroup(poolId, action.input.Username, action.input.GroupName);
      return;
    case 'removeFromGroup':
      await writer.removeUserFromGroup(poolId, action.input.Username, action.input.GroupName);
      return;
    case 'linkProvider': {
      const { Username, ProviderName, ProviderAttributeName, ProviderAttributeValue } = action.input;
      await writer.linkProviderForUser(poolId, Username, {
        providerName: ProviderName,
        attributeName: ProviderAttributeName,
        attributeValue: ProviderAttributeValue,
      });
      return;
    }
    case 'createClient': {
      const { clientId } = await writer.createClient(poolId, action.input);
      return { newClientId: clientId };
    }
    case 'updateClient': {
      const { ClientId, ...settings } = action.input;
      await writer.updateClient(poolId, target.clientId(ClientId), settings);
      return;
    }
    case 'deleteClient':
      await writer.deleteClient(poolId, action.input.ClientId);
      return;
    case 'createIdentityProvider':
      await writer.createIdentityProvider(poolId, action.input);
      return;
    case 'updateIdentityProvider':
      await writer.updateIdentityProvider(poolId, await withLiveSecrets(target, action.input));
      return;
    case 'deleteIdentityProvider':
      await writer.deleteIdentityProvider(poolId, action.input.ProviderName);
      return;
    case 'createResourceServer':
      await writer.createResourceServer(poolId, action.input);
      return;
    case 'updateResourceServer':
      await writer.updateResourceServer(poolId, action.input);
      return;
    case 'deleteResourceServer':
      await writer.deleteResourceServer(poolId, action.input.Identifier);
      return;
    case 'createDomain':
      await writer.createDomain(poolId, action.input);
      return;
    case 'deleteDomain':
      await writer.deleteDomain(poolId, action.input.Domain);
      return;
    case 'setUiCustomization': {
      const { ClientId, CSS } = action.input;
      const clientId = ClientId === 'ALL' ? undefined : target.clientId(ClientId);
      await writer.setUiCustomization(poolId, clientId, { CSS });
      return;
    }
    case 'setRiskConfiguration':
      await writer.setRiskConfiguration(poolId, action.input);
      return;
    case 'tagPool':
      await writer.tagResource(arnOf(target), action.input.Tags);
      return;
    case 'untagPool':
      await writer.untagResource(arnOf(target), action.input.TagKeys);
      return;
    default:
      return unknownKind(action);
  }
}

/** Every kind is handled above: a new kind fails to compile here until it is. */
function unknownKind(action: { kind: never }): never {
  throw new Error(`no Cognito call for action kind ${String(action.kind)}`);
}
