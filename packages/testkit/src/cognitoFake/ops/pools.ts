import { invalidParameter } from '../model/errors.js';
import type { Input, JsonObject } from '../model/input.js';
import type { OperationTable } from '../model/operation.js';
import { addAttribute, buildSchema } from '../model/schema.js';
import { type FakeState, newPoolRecord, type PoolRecord } from '../model/state.js';

/** Settings CreateUserPool takes; the first three can never change afterwards. */
const IMMUTABLE_SETTINGS = ['AliasAttributes', 'UsernameAttributes', 'UsernameConfiguration'];
const UPDATABLE_SETTINGS = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
];

/** What a pool has when CreateUserPool (or UpdateUserPool) leaves a setting out. */
const DEFAULTS: JsonObject = {
  Policies: {
    PasswordPolicy: {
      MinimumLength: 8,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 7,
    },
  },
  DeletionProtection: 'INACTIVE',
  LambdaConfig: {},
  VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
  UserPoolTier: 'ESSENTIALS',
};

const copy = <T>(value: T): T => structuredClone(value);

/** Applies the updatable settings of a request; anything left out returns to its default, as AWS does. */
function applySettings(pool: PoolRecord, input: Input): void {
  for (const field of UPDATABLE_SETTINGS) {
    if (input.has(field)) pool.settings[field] = copy(input.raw[field]);
    else if (DEFAULTS[field] !== undefined) pool.settings[field] = copy(DEFAULTS[field]);
    else delete pool.settings[field];
  }
  const mfa = input.optStr('MfaConfiguration') ?? 'OFF';
  if (!['OFF', 'ON', 'OPTIONAL'].includes(mfa)) throw invalidParameter(`Invalid MfaConfiguration ${mfa}`);
  pool.mfa.MfaConfiguration = mfa;
}

export function createPool(state: FakeState, input: Input): PoolRecord {
  const name = input.str('PoolName');
  if (name.length > 128) throw invalidParameter('PoolName must be at most 128 characters');
  if (input.has('AliasAttributes') && input.has('UsernameAttributes')) {
    throw invalidParameter(
      'Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.',
    );
  }
  const id = state.ids.poolId(state.region);
  const pool = newPoolRecord(
    id,
    `arn:aws:cognito-idp:${state.region}:${state.accountId}:userpool/${id}`,
    state.now(),
  );
  pool.settings.Name = name;
  for (const field of IMMUTABLE_SETTINGS) if (input.has(field)) pool.settings[field] = copy(input.raw[field]);
  applySettings(pool, input);
  pool.schema = buildSchema(input.optObjects('Schema') ?? []);
  const usernameConfiguration = input.optObj('UsernameConfiguration');
  pool.caseSensitive = usernameConfiguration?.CaseSensitive !== false;
  pool.tags = { ...(input.optStringMap('UserPoolTags') ?? {}) };
  state.pools.set(id, pool);
  return pool;
}

export function describePool(state: FakeState, pool: PoolRecord): JsonObject {
  const domain = pool.domain === undefined ? undefined : state.domains.get(pool.domain);
  const custom = domain?.CustomDomainConfig !== undefined;
  return {
    ...copy(pool.settings),
    Id: pool.id,
    Arn: pool.arn,
    CreationDate: pool.created,
    LastModifiedDate: pool.modified,
    SchemaAttributes: copy(pool.schema),
    EstimatedNumberOfUsers: pool.users.size,
    MfaConfiguration: pool.mfa.MfaConfiguration,
    UserPoolTags: { ...pool.tags },
    ...(pool.domain !== undefined ? (custom ? { CustomDomain: pool.domain } : { Domain: pool.domain }) : {}),
  };
}

export const poolOperations: OperationTable = {
  CreateUserPool: {
    run: (input, { state }) => ({ UserPool: describePool(state, createPool(state, input)) }),
  },
  DescribeUserPool: {
    run: (input, { state }) => ({ UserPool: describePool(state, state.pool(input.str('UserPoolId'))) }),
  },
  UpdateUserPool: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      if (input.has('PoolName')) pool.settings.Name = input.str('PoolName');
      applySettings(pool, input);
      if (input.has('UserPoolTags')) pool.tags = { ...(input.optStringMap('UserPoolTags') ?? {}) };
      pool.modified = state.now();
      return {};
    },
  },
  DeleteUserPool: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      if (pool.settings.DeletionProtection === 'ACTIVE') {
        throw invalidParameter('The user pool cannot be deleted because deletion protection is activated.');
      }
      if (pool.domain !== undefined) state.domains.delete(pool.domain);
      state.pools.delete(pool.id);
      return {};
    },
  },
  AddCustomAttributes: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const attributes = input.optObjects('CustomAttributes') ?? [];
      if (attributes.length === 0) throw invalidParameter('CustomAttributes must not be empty');
      for (const attribute of attributes) {
        if (typeof attribute.Name !== 'string' || attribute.Name === '') {
          throw invalidParameter('Every custom attribute needs a Name');
        }
        addAttribute(pool.schema, { ...attribute, Name: `custom:${attribute.Name}` });
      }
      pool.modified = state.now();
      return {};
    },
  },
};
