import { FakeCognitoError, invalidParameter } from '../model/errors.js';
import { parseUserFilter } from '../model/listUsersFilter.js';
import type { OperationTable } from '../model/operation.js';
import { pageRequest } from '../model/operation.js';
import { pageOf } from '../model/pagination.js';
import { checkAttributes } from '../model/schema.js';
import { checkAddressFree } from '../model/usernameAttributes.js';
import { attributeList, createUser, deleteUser, setMfaPreference, userView } from '../model/users.js';

export const userOperations: OperationTable = {
  AdminCreateUser: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const username = input.str('Username');
      const action = input.optStr('MessageAction');
      if (action === 'RESEND') {
        // Resending an invitation changes nothing the fake tracks; it sends no messages at all.
        return { User: userView(state.user(pool, username)) };
      }
      if (action !== undefined && action !== 'SUPPRESS') {
        throw new FakeCognitoError('InvalidParameterException', `Invalid MessageAction ${action}`);
      }
      // Accepted and checked, never acted on: the fake sends no invitations.
      for (const medium of input.optStrings('DesiredDeliveryMediums') ?? []) {
        if (medium !== 'EMAIL' && medium !== 'SMS')
          throw invalidParameter(`Invalid DesiredDeliveryMedium ${medium}`);
      }
      const user = createUser(state, pool, { username, attributes: input.attributes('UserAttributes') });
      return { User: userView(user) };
    },
  },
  AdminGetUser: {
    run: (input, { state }) => {
      const user = state.user(state.pool(input.str('UserPoolId')), input.str('Username'));
      return {
        Username: user.username,
        UserAttributes: attributeList(user),
        UserCreateDate: user.created,
        UserLastModifiedDate: user.modified,
        Enabled: user.enabled,
        UserStatus: user.status,
        ...(user.preferredMfa !== undefined ? { PreferredMfaSetting: user.preferredMfa } : {}),
        ...(user.mfaMethods.length > 0 ? { UserMFASettingList: [...user.mfaMethods] } : {}),
      };
    },
  },
  AdminUpdateUserAttributes: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const user = state.user(pool, input.str('Username'));
      const attributes = input.attributes('UserAttributes');
      checkAttributes(pool, attributes, 'update');
      checkAddressFree(pool, attributes, 'AliasExistsException', user);
      for (const [name, value] of attributes) user.attributes.set(name, value);
      user.modified = state.now();
      return {};
    },
  },
  AdminDeleteUserAttributes: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const user = state.user(pool, input.str('Username'));
      const names = input.optStrings('UserAttributeNames') ?? [];
      checkAttributes(
        pool,
        names.map((name) => [name, '']),
        'delete',
      );
      for (const name of names) user.attributes.delete(name);
      user.modified = state.now();
      return {};
    },
  },
  AdminDeleteUser: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      deleteUser(pool, state.user(pool, input.str('Username')));
      return {};
    },
  },
  AdminDisableUser: {
    run: (input, { state }) => {
      const user = state.user(state.pool(input.str('UserPoolId')), input.str('Username'));
      user.enabled = false;
      user.modified = state.now();
      return {};
    },
  },
  AdminEnableUser: {
    run: (input, { state }) => {
      const user = state.user(state.pool(input.str('UserPoolId')), input.str('Username'));
      user.enabled = true;
      user.modified = state.now();
      return {};
    },
  },
  AdminSetUserMFAPreference: {
    run: (input, { state }) => {
      const user = state.user(state.pool(input.str('UserPoolId')), input.str('Username'));
      setMfaPreference(user, input.raw);
      user.modified = state.now();
      return {};
    },
  },
  ListUsers: {
    run: (input, context) => {
      const pool = context.state.pool(input.str('UserPoolId'));
      const keep = parseUserFilter(input.optStr('Filter'));
      const names = input.optStrings('AttributesToGet');
      const only = names === undefined ? undefined : new Set(names);
      const request = pageRequest(input, context, `ListUsers:${pool.id}`, 'Limit', 'PaginationToken', 60);
      const page = pageOf(pool.users, request, keep);
      return {
        Users: page.items.map((user) => userView(user, only)),
        ...(page.token !== undefined ? { PaginationToken: page.token } : {}),
      };
    },
  },
};
