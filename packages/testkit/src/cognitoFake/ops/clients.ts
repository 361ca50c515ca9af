import { invalidParameter, resourceNotFound } from '../model/errors.js';
import type { Input, JsonObject } from '../model/input.js';
import { type OperationTable, pageRequest } from '../model/operation.js';
import { pageOf } from '../model/pagination.js';
import type { FakeState, PoolRecord } from '../model/state.js';

/** What a client has when Create/UpdateUserPoolClient leaves a setting out. */
const DEFAULTS: JsonObject = {
  RefreshTokenValidity: 30,
  AllowedOAuthFlowsUserPoolClient: false,
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
};
/** Request fields that are not client settings. */
const NOT_SETTINGS = new Set(['UserPoolId', 'ClientId', 'GenerateSecret', 'ClientSecret']);

function clientOf(pool: PoolRecord, clientId: string): JsonObject {
  const client = pool.clients.get(clientId);
  if (client === undefined) throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  return client;
}

function checkProviders(pool: PoolRecord, input: Input): void {
  for (const provider of input.optStrings('SupportedIdentityProviders') ?? []) {
    if (provider !== 'COGNITO' && !pool.identityProviders.has(provider)) {
      throw invalidParameter(`The provider ${provider} does not exist for User Pool ${pool.id}`);
    }
  }
}

/** The settings of a request over the defaults: AWS resets whatever an update leaves out. */
function settingsOf(input: Input): JsonObject {
  const settings: JsonObject = structuredClone(DEFAULTS);
  for (const [field, value] of Object.entries(input.raw)) {
    if (!NOT_SETTINGS.has(field) && value !== null && value !== undefined)
      settings[field] = structuredClone(value);
  }
  return settings;
}

function createClient(state: FakeState, pool: PoolRecord, input: Input): JsonObject {
  const name = input.str('ClientName');
  if (name.length > 128) throw invalidParameter('ClientName must be at most 128 characters');
  checkProviders(pool, input);
  let clientId = state.ids.clientId();
  while (pool.clients.has(clientId)) clientId = state.ids.clientId();
  const now = state.now();
  const client: JsonObject = {
    ...settingsOf(input),
    UserPoolId: pool.id,
    ClientId: clientId,
    ...(input.optBool('GenerateSecret') === true ? { ClientSecret: state.ids.clientSecret() } : {}),
    LastModifiedDate: now,
    CreationDate: now,
  };
  pool.clients.set(clientId, client);
  return client;
}

export const clientOperations: OperationTable = {
  CreateUserPoolClient: {
    run: (input, { state }) => ({
      UserPoolClient: structuredClone(createClient(state, state.pool(input.str('UserPoolId')), input)),
    }),
  },
  DescribeUserPoolClient: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      return { UserPoolClient: structuredClone(clientOf(pool, input.str('ClientId'))) };
    },
  },
  UpdateUserPoolClient: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const current = clientOf(pool, input.str('ClientId'));
      checkProviders(pool, input);
      const client: JsonObject = {
        ...settingsOf(input),
        ClientName: input.optStr('ClientName') ?? current.ClientName,
        UserPoolId: pool.id,
        ClientId: current.ClientId,
        ...(current.ClientSecret !== undefined ? { ClientSecret: current.ClientSecret } : {}),
        LastModifiedDate: state.now(),
        CreationDate: current.CreationDate,
      };
      pool.clients.set(String(current.ClientId), client);
      return { UserPoolClient: structuredClone(client) };
    },
  },
  DeleteUserPoolClient: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const clientId = input.str('ClientId');
      clientOf(pool, clientId);
      pool.clients.delete(clientId);
      pool.ui.delete(clientId);
      pool.risk.delete(clientId);
      return {};
    },
  },
  ListUserPoolClients: {
    run: (input, context) => {
      const pool = context.state.pool(input.str('UserPoolId'));
      const request = pageRequest(
        input,
        context,
        `ListUserPoolClients:${pool.id}`,
        'MaxResults',
        'NextToken',
        60,
        1,
      );
      const page = pageOf(pool.clients, request);
      return {
        UserPoolClients: page.items.map((c) => ({
          ClientId: c.ClientId,
          UserPoolId: c.UserPoolId,
          ClientName: c.ClientName,
        })),
        ...(page.token !== undefined ? { NextToken: page.token } : {}),
      };
    },
  },
};
