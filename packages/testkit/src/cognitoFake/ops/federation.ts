import { FakeCognitoError, invalidParameter, resourceNotFound } from '../model/errors.js';
import type { Input, JsonObject } from '../model/input.js';
import { type OperationTable, pageRequest } from '../model/operation.js';
import { pageOf } from '../model/pagination.js';
import type { PoolRecord } from '../model/state.js';

const PROVIDER_TYPES = new Set(['SAML', 'Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple', 'OIDC']);

function providerOf(pool: PoolRecord, name: string): JsonObject {
  const provider = pool.identityProviders.get(name);
  if (provider === undefined) throw resourceNotFound(`Identity provider ${name} does not exist.`);
  return provider;
}

function serverOf(pool: PoolRecord, identifier: string): JsonObject {
  const server = pool.resourceServers.get(identifier);
  if (server === undefined) throw resourceNotFound(`Resource server ${identifier} does not exist.`);
  return server;
}

/** A resource server as a create or update request describes it: the whole of it. */
const serverFrom = (poolId: string, identifier: string, input: Input): JsonObject => ({
  UserPoolId: poolId,
  Identifier: identifier,
  Name: input.str('Name'),
  ...(input.has('Scopes') ? { Scopes: structuredClone(input.optObjects('Scopes')) } : {}),
});

const nextToken = (token: string | undefined) => (token !== undefined ? { NextToken: token } : {});

export const identityProviderOperations: OperationTable = {
  CreateIdentityProvider: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const name = input.str('ProviderName');
      const type = input.str('ProviderType');
      if (name.length > 32) throw invalidParameter('ProviderName must be at most 32 characters');
      if (!PROVIDER_TYPES.has(type)) throw invalidParameter(`Invalid ProviderType ${type}`);
      if (pool.identityProviders.has(name)) {
        throw new FakeCognitoError(
          'DuplicateProviderException',
          `A provider with the name ${name} already exists in this user pool.`,
        );
      }
      const now = state.now();
      const provider: JsonObject = {
        UserPoolId: pool.id,
        ProviderName: name,
        ProviderType: type,
        ProviderDetails: input.optStringMap('ProviderDetails') ?? {},
        AttributeMapping: input.optStringMap('AttributeMapping') ?? {},
        IdpIdentifiers: input.optStrings('IdpIdentifiers') ?? [],
        LastModifiedDate: now,
        CreationDate: now,
      };
      pool.identityProviders.set(name, provider);
      return { IdentityProvider: structuredClone(provider) };
    },
  },
  DescribeIdentityProvider: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      return { IdentityProvider: structuredClone(providerOf(pool, input.str('ProviderName'))) };
    },
  },
  UpdateIdentityProvider: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const provider = providerOf(pool, input.str('ProviderName'));
      for (const field of ['ProviderDetails', 'AttributeMapping'] as const) {
        if (input.has(field)) provider[field] = input.optStringMap(field);
      }
      if (input.has('IdpIdentifiers')) provider.IdpIdentifiers = input.optStrings('IdpIdentifiers');
      provider.LastModifiedDate = state.now();
      return { IdentityProvider: structuredClone(provider) };
    },
  },
  DeleteIdentityProvider: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const name = input.str('ProviderName');
      providerOf(pool, name);
      pool.identityProviders.delete(name);
      return {};
    },
  },
  ListIdentityProviders: {
    run: (input, context) => {
      const pool = context.state.pool(input.str('UserPoolId'));
      const request = pageRequest(
        input,
        context,
        `ListIdentityProviders:${pool.id}`,
        'MaxResults',
        'NextToken',
        60,
        1,
      );
      const page = pageOf(pool.identityProviders, request);
      return {
        Providers: page.items.map((p) => ({
          ProviderName: p.ProviderName,
          ProviderType: p.ProviderType,
          LastModifiedDate: p.LastModifiedDate,
          CreationDate: p.CreationDate,
        })),
        ...nextToken(page.token),
      };
    },
  },
};

export const resourceServerOperations: OperationTable = {
  CreateResourceServer: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const identifier = input.str('Identifier');
      if (pool.resourceServers.has(identifier)) {
        throw invalidParameter(`${identifier} already exists in user pool ${pool.id}.`);
      }
      const server = serverFrom(pool.id, identifier, input);
      pool.resourceServers.set(identifier, server);
      return { ResourceServer: structuredClone(server) };
    },
  },
  DescribeResourceServer: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      return { ResourceServer: structuredClone(serverOf(pool, input.str('Identifier'))) };
    },
  },
  // Name is required and Scopes are replaced whole: scopes left out are gone afterwards.
  UpdateResourceServer: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const identifier = input.str('Identifier');
      serverOf(pool, identifier);
      const server = serverFrom(pool.id, identifier, input);
      pool.resourceServers.set(identifier, server);
      return { ResourceServer: structuredClone(server) };
    },
  },
  DeleteResourceServer: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const identifier = input.str('Identifier');
      serverOf(pool, identifier);
      pool.resourceServers.delete(identifier);
      return {};
    },
  },
  ListResourceServers: {
    run: (input, context) => {
      const pool = context.state.pool(input.str('UserPoolId'));
      // MaxResults is required here, 1 to 50.
      const request = pageRequest(
        input,
        context,
        `ListResourceServers:${pool.id}`,
        'MaxResults',
        'NextToken',
        50,
        1,
      );
      if (request.limit === undefined)
        throw invalidParameter('MaxResults is required for ListResourceServers');
      const page = pageOf(pool.resourceServers, request);
      return { ResourceServers: structuredClone(page.items), ...nextToken(page.token) };
    },
  },
};
