import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import type { Op } from './poolScenario.js';

/** Sends the operation to Cognito through the SDK; answers what Cognito answered. */
export async function apply(
  cognito: sdk.CognitoIdentityProviderClient,
  UserPoolId: string,
  action: Op,
): Promise<unknown> {
  const send = cognito.send.bind(cognito);
  switch (action.op) {
    case 'createUser': {
      const UserAttributes = Object.entries(action.attributes).map(([Name, Value]) => ({ Name, Value }));
      const input = { UserPoolId, Username: action.user, UserAttributes, MessageAction: 'SUPPRESS' as const };
      return send(new sdk.AdminCreateUserCommand(input));
    }
    case 'setAttribute': {
      const UserAttributes = [{ Name: action.name, Value: action.value }];
      return send(
        new sdk.AdminUpdateUserAttributesCommand({ UserPoolId, Username: action.user, UserAttributes }),
      );
    }
    case 'deleteAttribute': {
      const input = { UserPoolId, Username: action.user, UserAttributeNames: [action.name] };
      return send(new sdk.AdminDeleteUserAttributesCommand(input));
    }
    case 'deleteUser':
      return send(new sdk.AdminDeleteUserCommand({ UserPoolId, Username: action.user }));
    case 'setEnabled': {
      const input = { UserPoolId, Username: action.user };
      return action.enabled
        ? send(new sdk.AdminEnableUserCommand(input))
        : send(new sdk.AdminDisableUserCommand(input));
    }
    case 'addToGroup':
      return send(
        new sdk.AdminAddUserToGroupCommand({ UserPoolId, Username: action.user, GroupName: action.group }),
      );
    case 'removeFromGroup': {
      const input = { UserPoolId, Username: action.user, GroupName: action.group };
      return send(new sdk.AdminRemoveUserFromGroupCommand(input));
    }
    case 'createGroup':
      return send(
        new sdk.CreateGroupCommand({ UserPoolId, GroupName: action.group, Description: action.description }),
      );
    case 'describeGroup':
      return send(
        new sdk.UpdateGroupCommand({ UserPoolId, GroupName: action.group, Description: action.description }),
      );
    case 'deleteGroup':
      return send(new sdk.DeleteGroupCommand({ UserPoolId, GroupName: action.group }));
    case 'backup':
      return undefined;
  }
}
