import { CreateIdentityProviderCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PoolNotFoundError } from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import {
  attributesOf,
  expectUnsupported,
  failure,
  SUPPRESS,
  type WriterTestContext,
} from './cognitoWriter.context.js';

// A SAML IdP described by its metadata document, as a restore hands it back.
const METADATA = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">',
  '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
  '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>',
  '</md:IDPSSODescriptor>',
  '</md:EntityDescriptor>',
].join('');
const OIDC_SECRET = 'oidc-client-secret-that-must-not-leak';
const SAML = {
  ProviderName: 'Okta',
  ProviderType: 'SAML',
  ProviderDetails: { MetadataFile: METADATA, IDPSignout: 'false' },
  AttributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
  IdpIdentifiers: ['okta.example.com'],
};
const OIDC = {
  ProviderName: 'Acme',
  ProviderType: 'OIDC' as const,
  ProviderDetails: {
    client_id: 'acme-client',
    client_secret: OIDC_SECRET,
    authorize_scopes: 'openid email',
    oidc_issuer: 'https://acme.example.com',
    attributes_request_method: 'GET',
  },
  AttributeMapping: { email: 'email' },
};
const READ = { ScopeName: 'read', ScopeDescription: 'Read orders' };
const WRITE = { ScopeName: 'write', ScopeDescription: 'Place orders' };
const POOL_CSS = '.banner-customizable { background-color: teal; }';
const CLIENT_CSS = '.banner-customizable { background-color: navy; }';

const uniqueDomain = () => `rewind-writer-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;

/** MFA preferences, linked identities, federation, hosted UI, risk and tags: optional per endpoint. */
export function optionalWriterTests(t: WriterTestContext): void {
  it("sets a user's MFA preference, only for the factors given, or says it is unsupported", async () => {
    const { poolId } = await t.newPool();
    await t.writer.setMfaConfig(poolId, {
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    await t.writer.createUser(poolId, 'alice', {}, SUPPRESS);
    const totp = { enabled: true, preferred: true };
    if (!t.supports.userMfaPreferences) {
      await expectUnsupported(
        t.writer.setUserMfaPreference(poolId, 'alice', { softwareToken: totp }),
        'userMfa',
      );
      return;
    }
    await t.writer.setUserMfaPreference(poolId, 'alice', { softwareToken: totp });
    const preferred = {
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
    };
    expect(await t.reader.getUser(poolId, 'alice')).toMatchObject(preferred);
    await t.writer.setUserMfaPreference(poolId, 'alice', { sms: { enabled: false, preferred: false } });
    expect(await t.reader.getUserMfa(poolId, 'alice')).toEqual(preferred);
    await t.writer.setUserMfaPreference(poolId, 'alice', {
      softwareToken: { enabled: false, preferred: false },
    });
    const off = await t.reader.getUserMfa(poolId, 'alice');
    expect(off?.PreferredMfaSetting).toBeUndefined();
    expect(off?.UserMFASettingList ?? []).toEqual([]);
  });

  it("links a provider's identity to a native user, or says it is unsupported", async () => {
    const { poolId } = await t.newPool();
    await t.writer.createUser(poolId, 'alice', { email: 'alice@example.com' }, SUPPRESS);
    const source = { providerName: 'Acme', attributeName: 'Cognito_Subject', attributeValue: 'acme-123' };
    if (!t.supports.linkProvider) {
      await expectUnsupported(t.writer.linkProviderForUser(poolId, 'alice', source), 'linkedIdentities');
      return;
    }
    await t.cognito.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ...OIDC }));
    await t.writer.linkProviderForUser(poolId, 'alice', source);
    const identities = JSON.parse((await attributesOf(t.cognito, poolId, 'alice')).identities ?? '[]');
    expect(identities).toEqual([expect.objectContaining({ providerName: 'Acme', userId: 'acme-123' })]);
  });

  it('creates (SAML metadata, OIDC details), updates and deletes identity providers, or says they are unsupported', async () => {
    const { poolId, missingPoolId } = await t.newPool();
    if (!t.supports.identityProviders) {
      await expectUnsupported(t.writer.createIdentityProvider(poolId, SAML), 'identityProviders');
      await expectUnsupported(t.writer.updateIdentityProvider(poolId, SAML), 'identityProviders');
      await expectUnsupported(t.writer.deleteIdentityProvider(poolId, 'Okta'), 'identityProviders');
      return;
    }
    await t.writer.createIdentityProvider(poolId, SAML);
    await t.writer.createIdentityProvider(poolId, OIDC);
    expect(await t.reader.describeIdentityProvider(poolId, 'Okta')).toMatchObject(SAML);
    expect(await t.reader.describeIdentityProvider(poolId, 'Acme')).toMatchObject(OIDC);
    const update = {
      ProviderName: 'Okta',
      AttributeMapping: { email: 'mail', name: 'displayName' },
      IdpIdentifiers: ['okta.example.org'],
    };
    await t.writer.updateIdentityProvider(poolId, update);
    expect(await t.reader.describeIdentityProvider(poolId, 'Okta')).toMatchObject({
      ...update,
      ProviderDetails: { MetadataFile: METADATA },
    });
    await t.writer.deleteIdentityProvider(poolId, 'Acme');
    expect(await t.reader.describeIdentityProvider(poolId, 'Acme')).toBeUndefined();
    expect(await t.reader.describeIdentityProvider(poolId, 'Okta')).toBeDefined();
    // A failure names the pool, and never carries the provider's secret.
    const error = await failure(t.writer.createIdentityProvider(missingPoolId, OIDC));
    expect(error).toBeInstanceOf(PoolNotFoundError);
    const cause = (error as { cause?: { message?: string } }).cause;
    expect(`${(error as Error).message} ${cause?.message ?? ''}`).not.toContain(OIDC_SECRET);
  });

  it('creates, updates (scopes replaced) and deletes a resource server, or says they are unsupported', async () => {
    const { poolId } = await t.newPool();
    const server = { Identifier: 'https://api.example.com/orders', Name: 'orders', Scopes: [READ] };
    if (!t.supports.resourceServers) {
      await expectUnsupported(t.writer.createResourceServer(poolId, server), 'resourceServers');
      await expectUnsupported(t.writer.updateResourceServer(poolId, server), 'resourceServers');
      await expectUnsupported(t.writer.deleteResourceServer(poolId, server.Identifier), 'resourceServers');
      return;
    }
    await t.writer.createResourceServer(poolId, server);
    expect(await t.reader.describeResourceServer(poolId, server.Identifier)).toMatchObject(server);
    await t.writer.updateResourceServer(poolId, { ...server, Name: 'Orders API', Scopes: [WRITE] });
    const updated = await t.reader.describeResourceServer(poolId, server.Identifier);
    expect(updated).toMatchObject({ Name: 'Orders API' });
    expect(updated?.Scopes).toEqual([WRITE]);
    await t.writer.deleteResourceServer(poolId, server.Identifier);
    expect(await t.reader.describeResourceServer(poolId, server.Identifier)).toBeUndefined();
  });

  it('creates and deletes a domain, or says domains are unsupported', async () => {
    const { poolId } = await t.newPool();
    const Domain = uniqueDomain();
    if (!t.supports.domain) {
      await expectUnsupported(t.writer.createDomain(poolId, { Domain }), 'domain');
      await expectUnsupported(t.writer.deleteDomain(poolId, Domain), 'domain');
      return;
    }
    await t.writer.createDomain(poolId, { Domain });
    expect(await t.reader.describeDomain(Domain)).toMatchObject({
      Domain,
      UserPoolId: poolId,
      Status: 'ACTIVE',
    });
    await t.writer.deleteDomain(poolId, Domain);
    expect(await t.reader.describeDomain(Domain)).toBeUndefined();
  });

  it('sets the UI customisation CSS of the pool and of a client, or says it is unsupported', async () => {
    const { poolId } = await t.newPool();
    const { clientId } = await t.writer.createClient(poolId, { ClientName: 'web' });
    if (!t.supports.uiCustomization) {
      await expectUnsupported(
        t.writer.setUiCustomization(poolId, undefined, { CSS: POOL_CSS }),
        'uiCustomization',
      );
      return;
    }
    // Cognito keeps UI customisation only for a pool with a domain.
    await t.writer.createDomain(poolId, { Domain: uniqueDomain() });
    await t.writer.setUiCustomization(poolId, undefined, { CSS: POOL_CSS });
    await t.writer.setUiCustomization(poolId, clientId, { CSS: CLIENT_CSS });
    expect(await t.reader.getUiCustomization(poolId)).toMatchObject({ ClientId: 'ALL', CSS: POOL_CSS });
    expect(await t.reader.getUiCustomization(poolId, clientId)).toMatchObject({
      ClientId: clientId,
      CSS: CLIENT_CSS,
    });
  });

  it('sets the risk configuration, or says it is unsupported', async () => {
    const { poolId } = await t.newPool();
    const risk = {
      RiskExceptionConfiguration: {
        BlockedIPRangeList: ['192.0.2.0/24'],
        SkippedIPRangeList: ['198.51.100.0/24'],
      },
    };
    if (!t.supports.riskConfiguration) {
      await expectUnsupported(t.writer.setRiskConfiguration(poolId, risk), 'riskConfiguration');
      return;
    }
    await t.writer.setRiskConfiguration(poolId, risk);
    expect(await t.reader.getRiskConfiguration(poolId)).toMatchObject(risk);
    // Without threat protection Cognito refuses, and the refusal keeps its name.
    await t.writer.updateUserPool(poolId, {});
    const off = await failure(t.writer.setRiskConfiguration(poolId, risk));
    expect(off).toMatchObject({ name: 'UserPoolAddOnNotEnabledException' });
  });

  it('names the parts it cannot write before any write: tags exactly where TagResource is unsupported', async () => {
    const { poolArn } = await t.newPool();
    const unwritable = (await t.writer.unwritable?.(poolArn)) ?? [];
    expect(unwritable.includes('tags')).toBe(!t.supports.tags);
  });

  it('tags and untags the pool by ARN, or says tags are unsupported', async () => {
    const { poolId, poolArn, missingPoolId } = await t.newPool();
    if (!t.supports.tags) {
      await expectUnsupported(t.writer.tagResource(poolArn, { team: 'identity' }), 'tags');
      await expectUnsupported(t.writer.untagResource(poolArn, ['team']), 'tags');
      return;
    }
    await t.writer.tagResource(poolArn, { team: 'identity', env: 'test' });
    expect(await t.reader.listTags(poolArn)).toEqual({ team: 'identity', env: 'test' });
    await t.writer.untagResource(poolArn, ['env']);
    expect(await t.reader.listTags(poolArn)).toEqual({ team: 'identity' });
    const error = await failure(t.writer.tagResource(poolArn.replace(poolId, missingPoolId), { a: 'b' }));
    expect(error).toBeInstanceOf(PoolNotFoundError);
    expect((error as PoolNotFoundError).poolId).toBe(missingPoolId);
  });
}
