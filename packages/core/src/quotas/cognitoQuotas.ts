/**
 * Amazon Cognito's request-rate quotas for the user pools API, as AWS publishes them in
 * "Quotas in Amazon Cognito", section "Amazon Cognito user pools API operation categories and
 * request rate quotas":
 * https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations
 *
 * AWS meters each category, not each operation: every operation of a category draws on one budget,
 * shared by all the user pools of one account in one Region. A restore that creates users and one
 * that adds memberships therefore compete only if their operations share a category.
 *
 * Pure data: no I/O. Numbers are AWS's defaults; an account may have raised the adjustable ones.
 */

/** The page's user pool categories, in its order. */
export const QUOTA_CATEGORIES = [
  'UserAuthentication',
  'UserCreation',
  'UserFederation',
  'UserAccountRecovery',
  'UserRead',
  'UserUpdate',
  'UserToken',
  'UserResourceRead',
  'UserResourceUpdate',
  'UserList',
  'UserPoolRead',
  'UserPoolUpdate',
  'UserPoolResourceRead',
  'UserPoolResourceUpdate',
  'UserPoolClientRead',
  'UserPoolClientUpdate',
  'ClientAuthentication',
  'LimitManagement',
] as const;
export type QuotaCategory = (typeof QUOTA_CATEGORIES)[number];

export interface CategoryQuota {
  /** Default quota, requests per second, for all user pools of an account in one Region. */
  readonly perSecond: number;
  /** Whether AWS raises it on request ("Adjustable" column). */
  readonly adjustable: boolean;
}

/** The "Default quota (RPS)" and "Adjustable" columns of the page's per-category table. */
export const DEFAULT_QUOTAS: Readonly<Record<QuotaCategory, CategoryQuota>> = {
  UserAuthentication: { perSecond: 120, adjustable: true },
  UserCreation: { perSecond: 50, adjustable: true },
  UserFederation: { perSecond: 25, adjustable: true },
  UserAccountRecovery: { perSecond: 30, adjustable: false },
  UserRead: { perSecond: 120, adjustable: true },
  UserUpdate: { perSecond: 25, adjustable: false },
  UserToken: { perSecond: 120, adjustable: true },
  UserResourceRead: { perSecond: 50, adjustable: true },
  UserResourceUpdate: { perSecond: 25, adjustable: false },
  UserList: { perSecond: 30, adjustable: false },
  UserPoolRead: { perSecond: 15, adjustable: false },
  UserPoolUpdate: { perSecond: 15, adjustable: false },
  UserPoolResourceRead: { perSecond: 20, adjustable: false },
  UserPoolResourceUpdate: { perSecond: 15, adjustable: false },
  UserPoolClientRead: { perSecond: 15, adjustable: false },
  UserPoolClientUpdate: { perSecond: 15, adjustable: false },
  ClientAuthentication: { perSecond: 150, adjustable: false },
  LimitManagement: { perSecond: 1, adjustable: false },
};

/**
 * The operations the page lists under each category. UserFederation lists none (it meters IdP
 * responses at the federation endpoint) and ClientAuthentication also meters `client_credentials`
 * grants at the token endpoint. RespondToAuthChallenge and AdminRespondToAuthChallenge sit in
 * UserAuthentication, except that an answer to NEW_PASSWORD_REQUIRED counts as UserAccountRecovery
 * (the page's footnote 1); this table, keyed by operation alone, gives UserAuthentication.
 */
const OPERATIONS_BY_CATEGORY: Readonly<Record<QuotaCategory, readonly string[]>> = {
  UserAuthentication: [
    'InitiateAuth',
    'RespondToAuthChallenge',
    'AdminInitiateAuth',
    'AdminRespondToAuthChallenge',
    'GetTokensFromRefreshToken',
  ],
  UserCreation: ['SignUp', 'ConfirmSignUp', 'AdminCreateUser', 'AdminConfirmSignUp'],
  UserFederation: [],
  UserAccountRecovery: [
    'ChangePassword',
    'ConfirmForgotPassword',
    'ForgotPassword',
    'AdminResetUserPassword',
    'AdminSetUserPassword',
  ],
  UserRead: ['AdminGetUser', 'AdminGetUserAuthFactors', 'GetUser'],
  UserUpdate: [
    'AdminAddUserToGroup',
    'AdminDeleteUserAttributes',
    'AdminUpdateUserAttributes',
    'AdminDeleteUser',
    'AdminDisableUser',
    'AdminEnableUser',
    'AdminLinkProviderForUser',
    'AdminDisableProviderForUser',
    'VerifyUserAttribute',
    'DeleteUser',
    'DeleteUserAttributes',
    'UpdateUserAttributes',
    'AdminUserGlobalSignOut',
    'GlobalSignOut',
    'AdminRemoveUserFromGroup',
  ],
  UserToken: ['RevokeToken'],
  UserResourceRead: [
    'AdminGetDevice',
    'AdminListGroupsForUser',
    'AdminListDevices',
    'GetDevice',
    'ListDevices',
    'GetUserAttributeVerificationCode',
    'ResendConfirmationCode',
    'AdminListUserAuthEvents',
  ],
  // AdminSetUserMFAPreference is here, not in UserUpdate: same 25/s, but a separate budget.
  UserResourceUpdate: [
    'AdminForgetDevice',
    'AdminUpdateAuthEventFeedback',
    'AdminSetUserMFAPreference',
    'AdminDeleteSoftwareToken',
    'AdminSetUserSettings',
    'AdminUpdateDeviceStatus',
    'UpdateDeviceStatus',
    'UpdateAuthEventFeedback',
    'ConfirmDevice',
    'SetUserMFAPreference',
    'SetUserSettings',
    'VerifySoftwareToken',
    'AssociateSoftwareToken',
    'ForgetDevice',
  ],
  UserList: ['ListUsers', 'ListUsersInGroup'],
  UserPoolRead: ['DescribeUserPool', 'ListUserPools'],
  UserPoolUpdate: ['CreateUserPool', 'UpdateUserPool', 'DeleteUserPool'],
  UserPoolResourceRead: [
    'DescribeIdentityProvider',
    'DescribeResourceServer',
    'DescribeUserImportJob',
    'DescribeUserPoolDomain',
    'GetCSVHeader',
    'GetGroup',
    'GetSigningCertificate',
    'GetIdentityProviderByIdentifier',
    'GetUserPoolMfaConfig',
    'ListGroups',
    'ListIdentityProviders',
    'ListResourceServers',
    'ListTagsForResource',
    'ListUserImportJobs',
    'DescribeRiskConfiguration',
    'GetUICustomization',
    'DescribeManagedLoginBranding',
    'DescribeManagedLoginBrandingByClient',
  ],
  // AddCustomAttributes and SetUserPoolMfaConfig are here, not in UserPoolUpdate.
  UserPoolResourceUpdate: [
    'AddCustomAttributes',
    'CreateGroup',
    'CreateIdentityProvider',
    'CreateResourceServer',
    'CreateUserImportJob',
    'CreateUserPoolDomain',
    'DeleteGroup',
    'DeleteIdentityProvider',
    'DeleteResourceServer',
    'DeleteUserPoolDomain',
    'SetUserPoolMfaConfig',
    'StartUserImportJob',
    'StopUserImportJob',
    'UpdateGroup',
    'UpdateIdentityProvider',
    'UpdateResourceServer',
    'UpdateUserPoolDomain',
    'SetRiskConfiguration',
    'SetUICustomization',
    'TagResource',
    'UntagResource',
    'CreateManagedLoginBranding',
    'UpdateManagedLoginBranding',
    'DeleteManagedLoginBranding',
  ],
  UserPoolClientRead: ['DescribeUserPoolClient', 'ListUserPoolClients'],
  UserPoolClientUpdate: ['CreateUserPoolClient', 'DeleteUserPoolClient', 'UpdateUserPoolClient'],
  ClientAuthentication: ['GetClientToken'],
  LimitManagement: ['GetProvisionedLimit', 'UpdateProvisionedLimit'],
};

/** Each operation the page lists, by its API name, to its category. */
export const OPERATION_CATEGORY: Readonly<Record<string, QuotaCategory>> = Object.freeze(
  Object.fromEntries(
    QUOTA_CATEGORIES.flatMap((category) => OPERATIONS_BY_CATEGORY[category].map((op) => [op, category])),
  ),
);

/** The category an operation draws on; undefined for one the page does not list. */
export function operationCategory(operation: string): QuotaCategory | undefined {
  return Object.hasOwn(OPERATION_CATEGORY, operation) ? OPERATION_CATEGORY[operation] : undefined;
}

/**
 * The page, above the per-category table: "Amazon Cognito restricts operations in some
 * categories[3] to 5 requests per second (RPS), per user pool. The Default quota (RPS) additionally
 * applies to all user pools in an AWS account." Footnote 3, on UserPoolResourceRead,
 * UserPoolResourceUpdate, UserPoolClientRead and UserPoolClientUpdate: "Any individual operation in
 * this category has a constraint that prevents the operation from being called at a rate higher
 * than 5 RPS for a single user pool." Service Quotas lists these as "Rate of <category> requests
 * per user pool", 5, not adjustable.
 */
export const PER_POOL_OPERATION_RPS = 5;
export const PER_POOL_LIMITED_CATEGORIES: readonly QuotaCategory[] = [
  'UserPoolResourceRead',
  'UserPoolResourceUpdate',
  'UserPoolClientRead',
  'UserPoolClientUpdate',
];

/**
 * Requests per second one operation may make against a single user pool, on top of its category's
 * account-wide quota; undefined when AWS states no such limit for it.
 */
export function perPoolOperationLimit(operation: string): number | undefined {
  const category = operationCategory(operation);
  return category !== undefined && PER_POOL_LIMITED_CATEGORIES.includes(category)
    ? PER_POOL_OPERATION_RPS
    : undefined;
}
