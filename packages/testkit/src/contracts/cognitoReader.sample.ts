import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserMFAPreferenceCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateIdentityProviderCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  SetRiskConfigurationCommand,
  SetUICustomizationCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** The sample pool the CognitoReader contract seeds through the SDK and expects to read back. */

/** Which optional components the endpoint implements (cognito-local: none of them). */
export interface CognitoSupport {
  identityProviders: boolean;
  resourceServers: boolean;
  domain: boolean;
  uiCustomization: boolean;
  riskConfiguration: boolean;
  tags: boolean;
  /** AdminSetUserMFAPreference, to seed a user's MFA settings. */
  userMfaPreferences: boolean;
  /** Whether list calls honour `Limit` and hand out tokens (cognito-local answers everything at once). @default true */
  paginates?: boolean;
}

/** An endpoint with none of the optional components (cognito-local; the fake when a test wants less). */
export const CORE_COMPONENTS_ONLY: CognitoSupport = {
  identityProviders: false,
  resourceServers: false,
  domain: false,
  uiCustomization: false,
  riskConfiguration: false,
  tags: false,
  userMfaPreferences: false,
};

// Usernames with `/`, `~` and non-ASCII letters: they end up in entity keys and JSON pointers.
export const USERS = [
  { username: 'alice', tenant: 'acme' },
  { username: 'bob/builder', tenant: 'acme' },
  { username: 'carol~ops', tenant: 'globex' },
  { username: 'dörte', tenant: 'globex' },
  { username: '用户', tenant: 'initech' },
  { username: 'eve', tenant: 'initech', disabled: true },
];
export const GROUPS = [
  { GroupName: 'admins', Precedence: 1, Description: 'Full access', members: ['alice', 'dörte'] },
  {
    GroupName: 'editors',
    Precedence: 5,
    Description: 'Edits content',
    members: ['alice', 'bob/builder', 'carol~ops'],
  },
  // alice is in all three: with pages of 2, AdminListGroupsForUser has to follow a token.
  {
    GroupName: 'viewers',
    Precedence: 10,
    Description: 'Reads only',
    members: ['alice', 'carol~ops', 'eve', '用户'],
  },
];
export const PROVIDERS = ['Acme', 'Globex', 'Initech'];
export const SERVERS = [
  'https://api.example.com/orders',
  'https://api.example.com/stock',
  'https://api.example.com/users',
];
export const POOL_CSS = '.banner-customizable { background-color: teal; }';
export const CLIENT_CSS = '.banner-customizable { background-color: navy; }';

export interface Sample {
  poolId: string;
  poolArn: string;
  webClientId: string;
  backendClientId: string;
  domain: string;
}

/** Writes one at a time: cognito-local loses concurrent writes to a pool. */
export async function seedSamplePool(
  cognito: CognitoIdentityProviderClient,
  supports: CognitoSupport,
): Promise<Sample> {
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'contract',
      Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
      UserPoolTags: { team: 'identity' },
    }),
  );
  const poolId = UserPool?.Id ?? '';
  const UserPoolId = poolId;
  await cognito.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    }),
  );
  for (const user of USERS) {
    const UserAttributes = [
      { Name: 'email', Value: `user${USERS.indexOf(user)}@example.com` },
      { Name: 'custom:tenant', Value: user.tenant },
    ];
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: user.username,
        UserAttributes,
        MessageAction: 'SUPPRESS',
      }),
    );
    if (user.disabled === true)
      await cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: user.username }));
  }
  for (const { members, ...group } of GROUPS) {
    await cognito.send(new CreateGroupCommand({ UserPoolId, ...group }));
    for (const Username of members) {
      await cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: group.GroupName }),
      );
    }
  }
  const web = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'web' }));
  const backend = await cognito.send(
    new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'backend', GenerateSecret: true }),
  );
  const sample = {
    poolId,
    poolArn: UserPool?.Arn ?? '',
    webClientId: web.UserPoolClient?.ClientId ?? '',
    backendClientId: backend.UserPoolClient?.ClientId ?? '',
    domain: `rewind-contract-${Date.now().toString(36)}`,
  };
  if (supports.userMfaPreferences) {
    await cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId,
        Username: 'alice',
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
  }
  await seedOptional(cognito, sample, supports);
  return sample;
}

async function seedOptional(
  cognito: CognitoIdentityProviderClient,
  sample: Sample,
  supports: CognitoSupport,
): Promise<void> {
  const UserPoolId = sample.poolId;
  if (supports.identityProviders) {
    for (const ProviderName of PROVIDERS) {
      const ProviderDetails = {
        client_id: `${ProviderName.toLowerCase()}-client`,
        authorize_scopes: 'openid email',
        oidc_issuer: `https://${ProviderName.toLowerCase()}.example.com`,
        attributes_request_method: 'GET',
      };
      const mapping = { AttributeMapping: { email: 'email' } };
      await cognito.send(
        new CreateIdentityProviderCommand({
          UserPoolId,
          ProviderName,
          ProviderType: 'OIDC',
          ProviderDetails,
          ...mapping,
        }),
      );
    }
  }
  if (supports.resourceServers) {
    for (const Identifier of SERVERS) {
      const Scopes = [{ ScopeName: 'read', ScopeDescription: 'Read access' }];
      await cognito.send(
        new CreateResourceServerCommand({ UserPoolId, Identifier, Name: Identifier.slice(24), Scopes }),
      );
    }
  }
  if (supports.domain)
    await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId, Domain: sample.domain }));
  if (supports.uiCustomization) {
    await cognito.send(new SetUICustomizationCommand({ UserPoolId, CSS: POOL_CSS }));
    await cognito.send(
      new SetUICustomizationCommand({ UserPoolId, ClientId: sample.webClientId, CSS: CLIENT_CSS }),
    );
  }
  if (supports.riskConfiguration) {
    await cognito.send(
      new SetRiskConfigurationCommand({
        UserPoolId,
        RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'] },
      }),
    );
  }
  if (supports.tags)
    await cognito.send(new TagResourceCommand({ ResourceArn: sample.poolArn, Tags: { env: 'test' } }));
}
