import { invalidParameter, resourceNotFound } from '../model/errors.js';
import type { JsonObject } from '../model/input.js';
import type { OperationTable } from '../model/operation.js';
import type { PoolRecord } from '../model/state.js';

// A prefix domain (`<prefix>.auth.<region>.amazoncognito.com`) may not use these words.
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = ['aws', 'amazon', 'cognito'];

function checkClient(pool: PoolRecord, clientId: string | undefined): void {
  if (clientId !== undefined && !pool.clients.has(clientId)) {
    throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  }
}

export const hostedUiOperations: OperationTable = {
  CreateUserPoolDomain: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const domain = input.str('Domain');
      const custom = input.optObj('CustomDomainConfig');
      if (custom === undefined && (!PREFIX.test(domain) || RESERVED.some((word) => domain.includes(word)))) {
        throw invalidParameter(`Domain ${domain} is not a valid domain prefix.`);
      }
      if (pool.domain !== undefined) throw invalidParameter('User pool already has a domain configured.');
      if (state.domains.has(domain))
        throw invalidParameter('Domain already associated with another user pool.');
      const managedLoginVersion = input.optInt('ManagedLoginVersion', 1, 2) ?? 1;
      const cloudFront = `${state.ids.token(14)}.cloudfront.net`;
      state.domains.set(domain, {
        UserPoolId: pool.id,
        AWSAccountId: state.accountId,
        Domain: domain,
        S3Bucket: `aws-cognito-prod-${state.region}-assets`,
        CloudFrontDistribution: cloudFront,
        Version: '20190101000000',
        Status: 'ACTIVE',
        ManagedLoginVersion: managedLoginVersion,
        ...(custom !== undefined ? { CustomDomainConfig: structuredClone(custom) } : {}),
      });
      pool.domain = domain;
      pool.modified = state.now();
      return {
        ManagedLoginVersion: managedLoginVersion,
        ...(custom !== undefined ? { CloudFrontDomain: cloudFront } : {}),
      };
    },
  },
  DescribeUserPoolDomain: {
    // An unknown domain is not an error: AWS answers an empty description.
    run: (input, { state }) => ({
      DomainDescription: structuredClone(state.domains.get(input.str('Domain')) ?? {}),
    }),
  },
  DeleteUserPoolDomain: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const domain = input.str('Domain');
      if (pool.domain !== domain)
        throw invalidParameter(`Domain ${domain} is not associated with ${pool.id}.`);
      state.domains.delete(domain);
      pool.domain = undefined;
      pool.modified = state.now();
      return {};
    },
  },
  // Changes the certificate of a custom domain and the managed login version; the domain stays.
  UpdateUserPoolDomain: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const domain = input.str('Domain');
      const description = state.domains.get(domain);
      if (pool.domain !== domain || description === undefined) {
        throw invalidParameter(`Domain ${domain} is not associated with ${pool.id}.`);
      }
      const custom = input.optObj('CustomDomainConfig');
      if (custom !== undefined && description.CustomDomainConfig === undefined) {
        throw invalidParameter(`Domain ${domain} is a prefix domain: it takes no CustomDomainConfig.`);
      }
      const version = input.optInt('ManagedLoginVersion', 1, 2);
      if (custom !== undefined) description.CustomDomainConfig = structuredClone(custom);
      if (version !== undefined) description.ManagedLoginVersion = version;
      pool.modified = state.now();
      return {
        ManagedLoginVersion: description.ManagedLoginVersion,
        ...(description.CustomDomainConfig !== undefined
          ? { CloudFrontDomain: description.CloudFrontDistribution }
          : {}),
      };
    },
  },
  SetUICustomization: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const clientId = input.optStr('ClientId');
      checkClient(pool, clientId);
      if (pool.domain === undefined) {
        throw invalidParameter(
          'There has to be an existing domain associated with this user pool or app client.',
        );
      }
      const key = clientId ?? 'ALL';
      const now = state.now();
      const css = input.optStr('CSS');
      const image = input.optStr('ImageFile');
      const cloudFront = String(state.domains.get(pool.domain)?.CloudFrontDistribution ?? 'localhost');
      const ui: JsonObject = {
        UserPoolId: pool.id,
        ClientId: key,
        ...(image !== undefined
          ? { ImageUrl: `https://${cloudFront}/${pool.id}/${key}/${now.getTime()}/assets/images/image.jpg` }
          : {}),
        ...(css !== undefined ? { CSS: css, CSSVersion: String(now.getTime()) } : {}),
        LastModifiedDate: now,
        CreationDate: pool.ui.get(key)?.CreationDate ?? now,
      };
      pool.ui.set(key, ui);
      return { UICustomization: structuredClone(ui) };
    },
  },
  GetUICustomization: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const clientId = input.optStr('ClientId');
      checkClient(pool, clientId);
      // A client without its own customisation shows the pool default; nothing at all is an empty shape.
      const ui = pool.ui.get(clientId ?? 'ALL') ?? pool.ui.get('ALL');
      return { UICustomization: structuredClone(ui ?? { UserPoolId: pool.id, ClientId: clientId ?? 'ALL' }) };
    },
  },
};
