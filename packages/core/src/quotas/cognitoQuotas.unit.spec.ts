import { OPERATIONS } from '@cognito-rewind/testkit';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUOTAS,
  OPERATION_CATEGORY,
  operationCategory,
  perPoolOperationLimit,
  QUOTA_CATEGORIES,
} from './cognitoQuotas.js';

const quotaOf = (operation: string) => {
  const category = operationCategory(operation);
  return category === undefined ? undefined : { category, ...DEFAULT_QUOTAS[category] };
};

describe("Cognito's request-rate quota table", () => {
  it('creates users under UserCreation, 50/s, adjustable', () => {
    expect(quotaOf('AdminCreateUser')).toEqual({ category: 'UserCreation', perSecond: 50, adjustable: true });
  });

  it.each([
    'AdminAddUserToGroup',
    'AdminRemoveUserFromGroup',
    'AdminUpdateUserAttributes',
    'AdminDeleteUserAttributes',
    'AdminEnableUser',
    'AdminDisableUser',
    'AdminDeleteUser',
    'AdminLinkProviderForUser',
    'AdminDisableProviderForUser',
  ])('puts %s under UserUpdate, 25/s, not adjustable', (operation) => {
    expect(quotaOf(operation)).toEqual({ category: 'UserUpdate', perSecond: 25, adjustable: false });
  });

  it('puts AdminSetUserMFAPreference under UserResourceUpdate: 25/s like UserUpdate, own budget', () => {
    expect(quotaOf('AdminSetUserMFAPreference')).toEqual({
      category: 'UserResourceUpdate',
      perSecond: 25,
      adjustable: false,
    });
    expect(operationCategory('AdminSetUserSettings')).toBe('UserResourceUpdate');
  });

  it.each(['ListUsers', 'ListUsersInGroup'])('lists users with %s under UserList, 30/s, fixed', (op) => {
    expect(quotaOf(op)).toEqual({ category: 'UserList', perSecond: 30, adjustable: false });
  });

  it('reads users under UserRead at 120/s and their groups under UserResourceRead', () => {
    expect(quotaOf('AdminGetUser')).toEqual({ category: 'UserRead', perSecond: 120, adjustable: true });
    expect(quotaOf('AdminListGroupsForUser')).toEqual({
      category: 'UserResourceRead',
      perSecond: 50,
      adjustable: true,
    });
  });

  it('meters pool-level resources and app clients in their own fixed categories', () => {
    expect(operationCategory('CreateUserPool')).toBe('UserPoolUpdate');
    expect(operationCategory('UpdateUserPool')).toBe('UserPoolUpdate');
    for (const op of ['AddCustomAttributes', 'SetUserPoolMfaConfig', 'UpdateResourceServer', 'TagResource']) {
      expect(operationCategory(op)).toBe('UserPoolResourceUpdate');
    }
    expect(operationCategory('UpdateUserPoolDomain')).toBe('UserPoolResourceUpdate');
    expect(operationCategory('DescribeUserPoolClient')).toBe('UserPoolClientRead');
    expect(operationCategory('UpdateUserPoolClient')).toBe('UserPoolClientUpdate');
    expect(operationCategory('AdminSetUserPassword')).toBe('UserAccountRecovery');
    expect(DEFAULT_QUOTAS.UserPoolResourceUpdate).toEqual({ perSecond: 15, adjustable: false });
  });

  it('limits single operations of the pool-resource and client categories to 5/s per pool', () => {
    expect(perPoolOperationLimit('CreateGroup')).toBe(5);
    expect(perPoolOperationLimit('GetGroup')).toBe(5);
    expect(perPoolOperationLimit('CreateUserPoolClient')).toBe(5);
    expect(perPoolOperationLimit('ListUserPoolClients')).toBe(5);
    expect(perPoolOperationLimit('AdminCreateUser')).toBeUndefined();
    expect(perPoolOperationLimit('CreateUserPool')).toBeUndefined();
    expect(perPoolOperationLimit('NoSuchOperation')).toBeUndefined();
  });

  it('knows nothing of an unlisted operation, nor of prototype names', () => {
    expect(operationCategory('FlyToTheMoon')).toBeUndefined();
    expect(operationCategory('toString')).toBeUndefined();
  });

  it('gives each listed operation one category with a quota', () => {
    for (const category of Object.values(OPERATION_CATEGORY)) expect(QUOTA_CATEGORIES).toContain(category);
    for (const category of QUOTA_CATEGORIES) expect(DEFAULT_QUOTAS[category].perSecond).toBeGreaterThan(0);
  });

  it('has a category for every operation the Cognito fake implements', () => {
    const missing = [...OPERATIONS.keys()].filter((op) => operationCategory(op) === undefined);
    expect(missing).toEqual([]);
    for (const [name, operation] of OPERATIONS) expect(operation.category).toBe(operationCategory(name));
  });
});
