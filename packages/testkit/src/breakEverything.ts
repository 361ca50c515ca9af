import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  CreateIdentityProviderCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  DeleteGroupCommand,
  DeleteIdentityProviderCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolClientCommand,
  SetRiskConfigurationCommand,
  SetUICustomizationCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateGroupCommand,
  UpdateIdentityProviderCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { FakeRestoreEnv, FullPool } from './restoreOnFake.js';

/**
 * The damage done to the full pool of \`restoreOnFake.ts\` after its backup, touching every component
 * (users, groups, memberships, clients, providers, links, resource servers, domain, UI, MFA, threat
 * protection, tags): what the restore tests on the fake must undo.
 */
export interface LateEntities {
  clientId: string;
}

/**
 * Breaks every component of a full pool through the SDK, as people and scripts would: deletes,
 * changes, and new entities made after T. Returns the ids Cognito gave the new ones.
 */
export async function breakEverything(env: FakeRestoreEnv, pool: FullPool): Promise<LateEntities> {
  const UserPoolId = pool.poolId;
  const send = env.cognito.send.bind(env.cognito) as (command: unknown) => Promise<unknown>;
  // Identity providers: one changed, the OIDC one (with its secret) deleted, one new.
  await send(
    new UpdateIdentityProviderCommand({
      UserPoolId,
      ProviderName: 'Corp',
      ProviderDetails: { MetadataFile: '<EntityDescriptor entityID="https://evil.example.com"/>' },
      AttributeMapping: { email: 'mail' },
    }),
  );
  await send(new DeleteIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta' }));
  await send(
    new CreateIdentityProviderCommand({
      UserPoolId,
      ProviderName: 'Late',
      ProviderType: 'OIDC',
      ProviderDetails: {
        client_id: 'late',
        authorize_scopes: 'openid',
        oidc_issuer: 'https://late.example.com',
        attributes_request_method: 'GET',
      },
    }),
  );
  // Resource servers: one loses a scope and its name, one deleted, one new.
  await send(
    new UpdateResourceServerCommand({
      UserPoolId,
      Identifier: 'https://api.example.com/orders',
      Name: 'orders-v2',
      Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read orders' }],
    }),
  );
  await send(new DeleteResourceServerCommand({ UserPoolId, Identifier: 'https://api.example.com/stock' }));
  await send(
    new CreateResourceServerCommand({ UserPoolId, Identifier: 'https://api.example.com/late', Name: 'late' }),
  );
  // UI: the pool default and the web client's CSS changed; the backend client (and so its UI) deleted.
  await send(
    new SetUICustomizationCommand({ UserPoolId, CSS: '.banner-customizable { background-color: pink; }' }),
  );
  await send(
    new SetUICustomizationCommand({
      UserPoolId,
      ClientId: pool.webClientId,
      CSS: '.label-customizable { color: lime; }',
    }),
  );
  await send(new DeleteUserPoolClientCommand({ UserPoolId, ClientId: pool.backendClientId }));
  // UpdateUserPoolClient resets what it is not given: the web client loses its providers and flows.
  await send(
    new UpdateUserPoolClientCommand({
      UserPoolId,
      ClientId: pool.webClientId,
      ClientName: 'web',
      CallbackURLs: ['https://evil.example.com'],
    }),
  );
  const late = (await send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'late' }))) as {
    UserPoolClient?: { ClientId?: string };
  };
  // Threat protection settings, tags, pool settings and the pool's MFA.
  await send(
    new SetRiskConfigurationCommand({
      UserPoolId,
      RiskExceptionConfiguration: { SkippedIPRangeList: ['198.51.100.0/24'] },
    }),
  );
  await send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: { env: 'prod', owner: 'someone' } }));
  await send(new UntagResourceCommand({ ResourceArn: pool.arn, TagKeys: ['team'] }));
  await send(
    new UpdateUserPoolCommand({
      UserPoolId,
      Policies: { PasswordPolicy: { MinimumLength: 12 } },
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
      MfaConfiguration: 'OPTIONAL',
    }),
  );
  await send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId,
      MfaConfiguration: 'ON',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    }),
  );
  // Groups: admins deleted (alice loses it), staff changed, a new group with alice in it.
  await send(new DeleteGroupCommand({ UserPoolId, GroupName: 'admins' }));
  await send(
    new UpdateGroupCommand({ UserPoolId, GroupName: 'staff', Description: 'Some people', Precedence: 99 }),
  );
  await send(new CreateGroupCommand({ UserPoolId, GroupName: 'late', Description: 'new' }));
  await send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'alice', GroupName: 'late' }));
  // Users: MFA preferences, attributes, enabled flag, memberships; dave (linked to Corp) deleted; zed new.
  await send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId,
      Username: 'alice',
      EmailMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  await send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId,
      Username: 'bob',
      EmailMfaSettings: { Enabled: false, PreferredMfa: false },
    }),
  );
  await send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId,
      Username: 'bob',
      UserAttributes: [
        { Name: 'email', Value: 'bob@evil.example.com' },
        { Name: 'custom:level', Value: '9' },
      ],
    }),
  );
  await send(
    new AdminDeleteUserAttributesCommand({
      UserPoolId,
      Username: 'bob',
      UserAttributeNames: ['phone_number'],
    }),
  );
  await send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'bob', GroupName: 'staff' }));
  await send(new AdminEnableUserCommand({ UserPoolId, Username: 'carol' }));
  await send(new AdminDeleteUserCommand({ UserPoolId, Username: 'dave' }));
  await send(new AdminCreateUserCommand({ UserPoolId, Username: 'zed', MessageAction: 'SUPPRESS' }));
  await send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'zed', GroupName: 'staff' }));
  return { clientId: late.UserPoolClient?.ClientId ?? '' };
}
