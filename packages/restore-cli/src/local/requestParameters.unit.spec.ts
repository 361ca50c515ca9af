import { describe, expect, it } from 'vitest';
import { cloudTrailShape, HIDDEN } from './requestParameters.js';

describe('cloudTrailShape', () => {
  it('camel-cases keys, masks the user and every secret, keeps settings', () => {
    expect(
      cloudTrailShape({
        UserPoolId: 'us-east-1_x',
        Username: 'alice',
        UserAttributes: [{ Name: 'email', Value: 'a@example.com' }],
        TemporaryPassword: 'p',
        GenerateSecret: true,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'hours' },
        Policies: { PasswordPolicy: { MinimumLength: 8 } },
        UserPoolTags: { Team: 'identity' },
        ProviderDetails: { client_id: 'id', client_secret: 's' },
        AuthParameters: { USERNAME: 'alice', PASSWORD: 'p' },
        Session: 's',
        ConfirmationCode: '123456',
      }),
    ).toEqual({
      userPoolId: 'us-east-1_x',
      username: HIDDEN,
      userAttributes: HIDDEN,
      temporaryPassword: HIDDEN,
      generateSecret: true,
      refreshTokenValidity: 30,
      tokenValidityUnits: { AccessToken: 'hours' },
      policies: { passwordPolicy: { minimumLength: 8 } },
      userPoolTags: { Team: 'identity' },
      providerDetails: { client_id: 'id', client_secret: HIDDEN },
      authParameters: HIDDEN,
      session: HIDDEN,
      confirmationCode: HIDDEN,
    });
  });
});
