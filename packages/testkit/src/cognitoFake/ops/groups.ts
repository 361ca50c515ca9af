import { FakeCognitoError, invalidParameter } from '../model/errors.js';
import type { Input } from '../model/input.js';
import { KeyedCollection } from '../model/keyedCollection.js';
import { type OperationTable, pageRequest } from '../model/operation.js';
import { pageOf } from '../model/pagination.js';
import { type GroupRecord, type PoolRecord, userKey } from '../model/state.js';
import { userView } from '../model/users.js';

const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

const groupView = (pool: PoolRecord, group: GroupRecord) => ({
  GroupName: group.name,
  UserPoolId: pool.id,
  Description: group.description,
  RoleArn: group.roleArn,
  Precedence: group.precedence,
  LastModifiedDate: group.modified,
  CreationDate: group.created,
});

const precedenceOf = (input: Input) => input.optInt('Precedence', 0, 2 ** 31 - 1);

export const groupOperations: OperationTable = {
  CreateGroup: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const name = input.str('GroupName');
      if (name.length > 128 || !GROUP_NAME.test(name)) {
        throw invalidParameter(`GroupName ${name} does not match the required pattern`);
      }
      if (pool.groups.has(name)) {
        throw new FakeCognitoError('GroupExistsException', `A group with the name ${name} already exists.`);
      }
      const now = state.now();
      const group: GroupRecord = {
        name,
        description: input.optStr('Description'),
        precedence: precedenceOf(input),
        roleArn: input.optStr('RoleArn'),
        created: now,
        modified: now,
        members: new KeyedCollection(),
      };
      pool.groups.set(name, group);
      return { Group: groupView(pool, group) };
    },
  },
  GetGroup: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      return { Group: groupView(pool, state.group(pool, input.str('GroupName'))) };
    },
  },
  UpdateGroup: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const group = state.group(pool, input.str('GroupName'));
      // Only the fields present change.
      if (input.has('Description')) group.description = input.optStr('Description');
      if (input.has('RoleArn')) group.roleArn = input.optStr('RoleArn');
      if (input.has('Precedence')) group.precedence = precedenceOf(input);
      group.modified = state.now();
      return { Group: groupView(pool, group) };
    },
  },
  DeleteGroup: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const group = state.group(pool, input.str('GroupName'));
      for (const key of group.members.values()) pool.users.get(key)?.groups.delete(group.name);
      pool.groups.delete(group.name);
      return {};
    },
  },
  ListGroups: {
    run: (input, context) => {
      const pool = context.state.pool(input.str('UserPoolId'));
      const request = pageRequest(input, context, `ListGroups:${pool.id}`, 'Limit', 'NextToken', 60);
      const page = pageOf(pool.groups, request);
      return {
        Groups: page.items.map((group) => groupView(pool, group)),
        ...(page.token !== undefined ? { NextToken: page.token } : {}),
      };
    },
  },
  // Membership changes do not touch the user's UserLastModifiedDate in Cognito either.
  AdminAddUserToGroup: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const user = state.user(pool, input.str('Username'));
      const group = state.group(pool, input.str('GroupName'));
      const key = userKey(pool, user.username);
      group.members.set(key, key);
      user.groups.add(group.name);
      return {};
    },
  },
  AdminRemoveUserFromGroup: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const user = state.user(pool, input.str('Username'));
      const group = state.group(pool, input.str('GroupName'));
      group.members.delete(userKey(pool, user.username));
      user.groups.delete(group.name);
      return {};
    },
  },
  AdminListGroupsForUser: {
    run: (input, context) => {
      const { state } = context;
      const pool = state.pool(input.str('UserPoolId'));
      const user = state.user(pool, input.str('Username'));
      const scope = `AdminListGroupsForUser:${pool.id}:${user.sub}`;
      const request = pageRequest(input, context, scope, 'Limit', 'NextToken', 60);
      const page = pageOf(pool.groups, request, (group) => user.groups.has(group.name));
      return {
        Groups: page.items.map((group) => groupView(pool, group)),
        ...(page.token !== undefined ? { NextToken: page.token } : {}),
      };
    },
  },
  ListUsersInGroup: {
    run: (input, context) => {
      const { state } = context;
      const pool = state.pool(input.str('UserPoolId'));
      const group = state.group(pool, input.str('GroupName'));
      const scope = `ListUsersInGroup:${pool.id}:${group.name}`;
      const request = pageRequest(input, context, scope, 'Limit', 'NextToken', 60);
      const page = pageOf(group.members, request);
      const users = page.items.flatMap((key) => {
        const user = pool.users.get(key);
        return user === undefined ? [] : [userView(user)];
      });
      return { Users: users, ...(page.token !== undefined ? { NextToken: page.token } : {}) };
    },
  },
};
