import { FakeCognitoError, invalidParameter, resourceNotFound } from '../model/errors.js';
import { isObject, type JsonObject } from '../model/input.js';
import type { OperationTable } from '../model/operation.js';
import type { FakeState, PoolRecord } from '../model/state.js';

const MFA_PARTS = [
  'SmsMfaConfiguration',
  'SoftwareTokenMfaConfiguration',
  'EmailMfaConfiguration',
  'WebAuthnConfiguration',
];
const RISK_PARTS = [
  'CompromisedCredentialsRiskConfiguration',
  'AccountTakeoverRiskConfiguration',
  'RiskExceptionConfiguration',
];

const anyFactorEnabled = (mfa: JsonObject): boolean =>
  (isObject(mfa.SoftwareTokenMfaConfiguration) && mfa.SoftwareTokenMfaConfiguration.Enabled === true) ||
  isObject(mfa.SmsMfaConfiguration) ||
  isObject(mfa.EmailMfaConfiguration);

function advancedSecurityOn(pool: PoolRecord): boolean {
  const addOns = pool.settings.UserPoolAddOns;
  const mode = isObject(addOns) ? addOns.AdvancedSecurityMode : undefined;
  return mode === 'AUDIT' || mode === 'ENFORCED' || pool.settings.UserPoolTier === 'PLUS';
}

const addOnNotEnabled = () =>
  new FakeCognitoError(
    'UserPoolAddOnNotEnabledException',
    'Threat protection (advanced security) is not enabled for this user pool.',
  );

function poolByArn(state: FakeState, arn: string): PoolRecord {
  const pool = state.poolByArn(arn);
  if (pool === undefined) throw resourceNotFound(`Resource ${arn} does not exist.`);
  return pool;
}

export const poolSettingOperations: OperationTable = {
  GetUserPoolMfaConfig: {
    run: (input, { state }) => structuredClone(state.pool(input.str('UserPoolId')).mfa),
  },
  SetUserPoolMfaConfig: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const next: JsonObject = structuredClone(pool.mfa);
      for (const part of MFA_PARTS) if (input.has(part)) next[part] = structuredClone(input.optObj(part));
      const mode = input.optStr('MfaConfiguration') ?? String(next.MfaConfiguration ?? 'OFF');
      if (!['OFF', 'ON', 'OPTIONAL'].includes(mode))
        throw invalidParameter(`Invalid MfaConfiguration ${mode}`);
      next.MfaConfiguration = mode;
      if (mode !== 'OFF' && !anyFactorEnabled(next)) {
        throw invalidParameter(
          'At least one MFA factor must be enabled when MfaConfiguration is ON or OPTIONAL.',
        );
      }
      pool.mfa = next;
      pool.modified = state.now();
      return structuredClone(next);
    },
  },
  SetRiskConfiguration: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const clientId = input.optStr('ClientId');
      if (clientId !== undefined && !pool.clients.has(clientId)) {
        throw resourceNotFound(`User pool client ${clientId} does not exist.`);
      }
      if (!advancedSecurityOn(pool)) throw addOnNotEnabled();
      const risk: JsonObject = {
        UserPoolId: pool.id,
        ...(clientId !== undefined ? { ClientId: clientId } : {}),
      };
      for (const part of RISK_PARTS) if (input.has(part)) risk[part] = structuredClone(input.optObj(part));
      risk.LastModifiedDate = state.now();
      pool.risk.set(clientId ?? 'ALL', risk);
      return { RiskConfiguration: structuredClone(risk) };
    },
  },
  DescribeRiskConfiguration: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const clientId = input.optStr('ClientId');
      if (clientId !== undefined && !pool.clients.has(clientId)) {
        throw resourceNotFound(`User pool client ${clientId} does not exist.`);
      }
      // Documented: a pool without threat protection has no risk configuration to describe, even
      // one set while the add-on was on.
      if (!advancedSecurityOn(pool)) throw addOnNotEnabled();
      const risk = pool.risk.get(clientId ?? 'ALL') ?? pool.risk.get('ALL');
      const empty = { UserPoolId: pool.id, ...(clientId !== undefined ? { ClientId: clientId } : {}) };
      return { RiskConfiguration: structuredClone(risk ?? empty) };
    },
  },
  TagResource: {
    run: (input, { state }) => {
      const pool = poolByArn(state, input.str('ResourceArn'));
      Object.assign(pool.tags, input.optStringMap('Tags') ?? {});
      return {};
    },
  },
  UntagResource: {
    run: (input, { state }) => {
      const pool = poolByArn(state, input.str('ResourceArn'));
      for (const key of input.optStrings('TagKeys') ?? []) delete pool.tags[key];
      return {};
    },
  },
  ListTagsForResource: {
    run: (input, { state }) => ({ Tags: { ...poolByArn(state, input.str('ResourceArn')).tags } }),
  },
};
