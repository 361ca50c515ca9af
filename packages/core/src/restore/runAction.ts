import type { JsonObject } from '../model/json.js';
import type { RawRecord, RawUser } from '../model/raw.js';
import type { CognitoReader, CognitoWriter, CreateUserOptions, MfaFactorSetting } from '../ports.js';
import type { RestoreAction, RestoreActionKind } from './restorePlan.js';

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

const s = (value: unknown): string => String(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const without = (input: JsonObject, ...fields: string[]): RawRecord => {
  const out: RawRecord = { ...input };
  for (const field of fields) delete out[field];
  return out;
};

function arnOf(target: ActionTarget): string {
  if (target.arn === undefined)
    throw new Error(`the ARN of pool ${target.poolId} is unknown: tags cannot be written`);
  return target.arn;
}

/**
 * Identity provider secrets are never stored, so an update keeps the ones the live provider has:
 * UpdateIdentityProvider replaces ProviderDetails whole and would otherwise erase them.
 */
async function withLiveSecrets(target: ActionTarget, input: JsonObject): Promise<RawRecord> {
  const live = await target.reader.describeIdentityProvider(target.poolId, s(input.ProviderName));
  const liveDetails = (live?.ProviderDetails ?? {}) as Record<string, unknown>;
  const details: Record<string, unknown> = { ...((input.ProviderDetails ?? {}) as object) };
  for (const secret of ['client_secret', 'private_key'])
    if (liveDetails[secret] !== undefined && details[secret] === undefined)
      details[secret] = liveDetails[secret];
  return { ...without(input, 'ProviderType'), ProviderDetails: details };
}

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

/** A user's sub, and its name (Cognito generates it where email or phone is the username). */
function userAnswer(user: RawUser): JsonObject {
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
async function theUserSeen(target: ActionTarget, action: RestoreAction): Promise<RawUser> {
  const username = s(action.input.Username);
  const user = await target.reader.getUser(target.poolId, username);
  const sub = user?.Attributes?.find((a) => a.Name === 'sub')?.Value;
  if (user === undefined || sub !== action.input.Sub)
    throw new Error(
      `${username} is no longer the user the plan saw (sub ${s(action.input.Sub)}, now ${sub ?? 'none'}): left as it is`,
    );
  return user;
}

/** Runs one action's single Cognito call; returns what the ledgers need to know. */
export async function runAction(
  target: ActionTarget,
  action: RestoreAction,
): Promise<JsonObject | undefined> {
  const { writer, poolId } = target;
  const i = action.input;
  switch (action.kind) {
    case 'updatePool':
      await writer.updateUserPool(poolId, i);
      return;
    case 'setMfaConfig':
      await writer.setMfaConfig(poolId, i);
      return;
    case 'createGroup':
      await writer.createGroup(poolId, i);
      return;
    case 'updateGroup':
      await writer.updateGroup(poolId, i);
      return;
    case 'deleteGroup':
      await writer.deleteGroup(poolId, s(i.GroupName));
      return;
    case 'createUser': {
      const attributes = (i.UserAttributes ?? {}) as Record<string, string>;
      const created = await writer.createUser(
        poolId,
        s(i.Username),
        attributes,
        createOptions(i.notify === true, attributes),
      );
      return userAnswer(created);
    }
    case 'replaceUser':
      await theUserSeen(target, action);
      await writer.deleteUser(poolId, s(i.Username));
      return;
    case 'adoptUser':
      return userAnswer(await theUserSeen(target, action));
    case 'updateUserAttributes':
      await writer.updateUserAttributes(
        poolId,
        s(i.Username),
        (i.UserAttributes ?? {}) as Record<string, string>,
      );
      return;
    case 'deleteUserAttributes':
      await writer.deleteUserAttributes(poolId, s(i.Username), strings(i.UserAttributeNames));
      return;
    case 'enableUser':
    case 'disableUser':
      await writer.setUserEnabled(poolId, s(i.Username), action.kind === 'enableUser');
      return;
    case 'setUserMfa':
      await writer.setUserMfaPreference(poolId, s(i.Username), {
        sms: i.sms as unknown as MfaFactorSetting,
        email: i.email as unknown as MfaFactorSetting,
      });
      return;
    case 'deleteUser':
      await writer.deleteUser(poolId, s(i.Username));
      return;
    case 'addToGroup':
      await writer.addUserToGroup(poolId, s(i.Username), s(i.GroupName));
      return;
    case 'removeFromGroup':
      await writer.removeUserFromGroup(poolId, s(i.Username), s(i.GroupName));
      return;
    case 'linkProvider':
      await writer.linkProviderForUser(poolId, s(i.Username), {
        providerName: s(i.ProviderName),
        attributeName: s(i.ProviderAttributeName),
        attributeValue: s(i.ProviderAttributeValue),
      });
      return;
    case 'createClient': {
      const { clientId } = await writer.createClient(poolId, i);
      return { newClientId: clientId };
    }
    case 'updateClient':
      await writer.updateClient(poolId, target.clientId(s(i.ClientId)), without(i, 'ClientId'));
      return;
    case 'deleteClient':
      await writer.deleteClient(poolId, s(i.ClientId));
      return;
    case 'createIdentityProvider':
      await writer.createIdentityProvider(poolId, i);
      return;
    case 'updateIdentityProvider':
      await writer.updateIdentityProvider(poolId, await withLiveSecrets(target, i));
      return;
    case 'deleteIdentityProvider':
      await writer.deleteIdentityProvider(poolId, s(i.ProviderName));
      return;
    case 'createResourceServer':
      await writer.createResourceServer(poolId, i);
      return;
    case 'updateResourceServer':
      await writer.updateResourceServer(poolId, i);
      return;
    case 'deleteResourceServer':
      await writer.deleteResourceServer(poolId, s(i.Identifier));
      return;
    case 'createDomain':
      await writer.createDomain(poolId, i);
      return;
    case 'deleteDomain':
      await writer.deleteDomain(poolId, s(i.Domain));
      return;
    case 'setUiCustomization': {
      const id = s(i.ClientId);
      await writer.setUiCustomization(poolId, id === 'ALL' ? undefined : target.clientId(id), {
        CSS: s(i.CSS),
      });
      return;
    }
    case 'setRiskConfiguration':
      await writer.setRiskConfiguration(poolId, i);
      return;
    case 'tagPool':
      await writer.tagResource(arnOf(target), (i.Tags ?? {}) as Record<string, string>);
      return;
    case 'untagPool':
      await writer.untagResource(arnOf(target), strings(i.TagKeys));
      return;
  }
}
