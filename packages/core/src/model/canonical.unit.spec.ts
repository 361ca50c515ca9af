import { describe, expect, it } from 'vitest';
import { canonicalClient, canonicalIdentityProvider, canonicalPool, canonicalUser } from './canonical.js';
import { canonicalStringify } from './json.js';

describe('canonical form', () => {
  it('sorts keys, writes UTC ISO times and drops volatile fields', () => {
    const pool = canonicalPool({
      Name: 'p',
      EstimatedNumberOfUsers: 42,
      LastModifiedDate: new Date('2024-06-01T12:00:00+02:00'),
      Policies: { PasswordPolicy: { RequireSymbols: true, MinimumLength: 8 } },
    });
    expect(pool).toEqual({
      LastModifiedDate: '2024-06-01T10:00:00.000Z',
      Name: 'p',
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: true } },
    });
    expect(canonicalStringify(pool)).toBe(
      '{"LastModifiedDate":"2024-06-01T10:00:00.000Z","Name":"p","Policies":{"PasswordPolicy":{"MinimumLength":8,"RequireSymbols":true}}}',
    );
  });

  it('never keeps a client secret, only that one exists', () => {
    const client = canonicalClient({ ClientId: 'c1', ClientSecret: 's3cr3t', UserPoolId: 'p' });
    expect(client).toEqual({ ClientId: 'c1', HasClientSecret: true });
    expect(JSON.stringify(client)).not.toContain('s3cr3t');
    expect(canonicalClient({ ClientId: 'c2' }).HasClientSecret).toBe(false);
  });

  it('never keeps identity-provider credentials, only which ones it had', () => {
    const idp = canonicalIdentityProvider({
      ProviderName: 'Apple',
      ProviderType: 'SignInWithApple',
      UserPoolId: 'p',
      ProviderDetails: {
        client_id: 'com.example',
        team_id: 'T1',
        key_id: 'K1',
        private_key: '-----BEGIN KEY-----x',
      },
    });
    expect(idp).toEqual({
      OmittedSecrets: ['private_key'],
      ProviderDetails: { client_id: 'com.example', key_id: 'K1', team_id: 'T1' },
      ProviderName: 'Apple',
      ProviderType: 'SignInWithApple',
    });
    const oidc = canonicalIdentityProvider({
      ProviderName: 'Okta',
      ProviderDetails: { client_secret: 'TOP-SECRET' },
    });
    expect(JSON.stringify(oidc)).not.toContain('TOP-SECRET');
    expect(oidc.OmittedSecrets).toEqual(['client_secret']);
  });

  it('turns a user into attributes map, sorted groups and MFA settings', () => {
    const user = canonicalUser(
      {
        Username: 'ops/dave',
        Attributes: [
          { Name: 'sub', Value: 'abc' },
          { Name: 'email', Value: 'd@example.com' },
        ],
        Enabled: false,
        UserStatus: 'CONFIRMED',
        UserCreateDate: new Date('2024-01-01T00:00:00Z'),
        UserLastModifiedDate: '2024-01-02T00:00:00Z',
      },
      ['viewers', 'admins', 'admins'],
      { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'] },
    );
    expect(user).toEqual({
      attributes: { email: 'd@example.com', sub: 'abc' },
      createdAt: '2024-01-01T00:00:00.000Z',
      enabled: false,
      groups: ['admins', 'viewers'],
      mfa: { enabled: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' },
      modifiedAt: '2024-01-02T00:00:00.000Z',
      status: 'CONFIRMED',
      username: 'ops/dave',
    });
    expect(Object.keys(user)).toEqual([...Object.keys(user)].sort());
  });
});
