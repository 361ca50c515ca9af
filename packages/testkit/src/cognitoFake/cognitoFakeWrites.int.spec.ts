import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateIdentityProviderCommand,
  CreateResourceServerCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  GetGroupCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AWS_RATE_LIMITS_WITH_PER_POOL, type RunningCognitoFake, startCognitoFake } from './index.js';

const clock = new Date('2024-05-01T10:00:00.000Z');
let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let poolId: string;

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, seed: 7, now: () => clock });
  cognito = createCognitoClient({ endpoint: running.endpoint, maxAttempts: 1 });
  const created = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'restore-target',
      AliasAttributes: ['email', 'preferred_username'],
      UsernameConfiguration: { CaseSensitive: false },
      Schema: [
        { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
        {
          Name: 'tenant',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MinLength: '2', MaxLength: '8' },
        },
        {
          Name: 'seats',
          AttributeDataType: 'Number',
          Mutable: true,
          NumberAttributeConstraints: { MinValue: '1', MaxValue: '100' },
        },
      ],
      Policies: { PasswordPolicy: { MinimumLength: 12 } },
    }),
  );
  poolId = created.UserPool?.Id ?? '';
  await cognito.send(
    new CreateIdentityProviderCommand({
      UserPoolId: poolId,
      ProviderName: 'Google',
      ProviderType: 'Google',
      ProviderDetails: { client_id: 'id', client_secret: 'secret', authorize_scopes: 'openid' },
    }),
  );
});

afterEach(() => running.fake.setRateLimits({}));

afterAll(async () => {
  cognito.destroy();
  await running.stop();
});

const createUser = (Username: string, attributes: Record<string, string>, extra = {}) =>
  cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      ...extra,
    }),
  );

const link = (Username: string, ProviderName: string, ProviderAttributeValue: string) =>
  cognito.send(
    new AdminLinkProviderForUserCommand({
      UserPoolId: poolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: Username },
      SourceUser: { ProviderName, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue },
    }),
  );

describe('the Cognito fake takes what a restore writes', () => {
  it('keeps the schema, constraints and username settings CreateUserPool was given', async () => {
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.AliasAttributes).toEqual(['email', 'preferred_username']);
    expect(UserPool?.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(UserPool?.Policies?.PasswordPolicy?.MinimumLength).toBe(12);
    const attribute = (name: string) => UserPool?.SchemaAttributes?.find((a) => a.Name === name);
    expect(attribute('email')?.Required).toBe(true);
    expect(attribute('custom:tenant')?.StringAttributeConstraints).toEqual({
      MinLength: '2',
      MaxLength: '8',
    });
    expect(attribute('custom:seats')).toMatchObject({
      AttributeDataType: 'Number',
      NumberAttributeConstraints: { MinValue: '1', MaxValue: '100' },
    });
    const both = new CreateUserPoolCommand({
      PoolName: 'both',
      AliasAttributes: ['email'],
      UsernameAttributes: ['email'],
    });
    await expect(cognito.send(both)).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('creates and updates users with delivery mediums and verified flags, within the schema', async () => {
    await createUser(
      'ann',
      { email: 'ann@example.com', email_verified: 'true', 'custom:tenant': 'acme', 'custom:seats': '5' },
      { DesiredDeliveryMediums: ['EMAIL', 'SMS'] },
    );
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: 'ann',
        UserAttributes: [
          { Name: 'phone_number', Value: '+15555550100' },
          { Name: 'phone_number_verified', Value: 'false' },
        ],
      }),
    );
    const ann = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
    expect(ann.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email_verified', Value: 'true' },
        { Name: 'phone_number_verified', Value: 'false' },
      ]),
    );
    const refused = (attributes: Record<string, string>, extra = {}) =>
      expect(createUser('bad', { email: 'b@example.com', ...attributes }, extra)).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    await refused({ email_verified: 'yes' });
    await refused({ 'custom:tenant': 'x' });
    await refused({ 'custom:seats': '101' });
    await refused({ 'custom:seats': 'many' });
    await refused({ identities: '[]' });
    await refused({}, { DesiredDeliveryMediums: ['PIGEON'] });
    const writeIdentities = new AdminUpdateUserAttributesCommand({
      UserPoolId: poolId,
      Username: 'ann',
      UserAttributes: [{ Name: 'identities', Value: '[]' }],
    });
    await expect(cognito.send(writeIdentities)).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('replaces a resource server whole with UpdateResourceServer', async () => {
    const scope = (ScopeName: string) => ({ ScopeName, ScopeDescription: ScopeName });
    await cognito.send(
      new CreateResourceServerCommand({
        UserPoolId: poolId,
        Identifier: 'https://api.example.com',
        Name: 'api',
        Scopes: [scope('read'), scope('write')],
      }),
    );
    const updated = await cognito.send(
      new UpdateResourceServerCommand({
        UserPoolId: poolId,
        Identifier: 'https://api.example.com',
        Name: 'api v2',
        Scopes: [scope('admin')],
      }),
    );
    expect(updated.ResourceServer).toMatchObject({ Name: 'api v2', Scopes: [scope('admin')] });
    const described = await cognito.send(
      new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com' }),
    );
    expect(described.ResourceServer?.Scopes).toEqual([scope('admin')]);
    const missing = new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'nope', Name: 'x' });
    await expect(cognito.send(missing)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('links an external identity into the identities attribute, and unlinks it', async () => {
    await createUser('bea', { email: 'bea@example.com' });
    await link('bea', 'Google', '1234567890');
    const bea = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bea' }));
    const raw = bea.UserAttributes?.find((a) => a.Name === 'identities')?.Value ?? '[]';
    expect(JSON.parse(raw)).toEqual([
      {
        userId: '1234567890',
        providerName: 'Google',
        providerType: 'Google',
        issuer: null,
        primary: false,
        dateCreated: clock.getTime(),
      },
    ]);
    const listed = await cognito.send(
      new ListUsersCommand({ UserPoolId: poolId, Filter: 'username = "bea"' }),
    );
    expect(listed.Users?.[0]?.Attributes).toContainEqual({ Name: 'identities', Value: raw });

    await expect(link('bea', 'Facebook', '1')).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(link('nobody', 'Google', '2')).rejects.toMatchObject({ name: 'UserNotFoundException' });
    await expect(link('ann', 'Google', '1234567890')).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });

    await cognito.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: poolId,
        User: {
          ProviderName: 'Google',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: '1234567890',
        },
      }),
    );
    const after = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bea' }));
    expect(after.UserAttributes?.some((a) => a.Name === 'identities')).toBe(false);
  });

  it('updates the managed login version of a domain with UpdateUserPoolDomain', async () => {
    await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'restore-target' }));
    const out = await cognito.send(
      new UpdateUserPoolDomainCommand({
        UserPoolId: poolId,
        Domain: 'restore-target',
        ManagedLoginVersion: 2,
      }),
    );
    expect(out.ManagedLoginVersion).toBe(2);
    const { DomainDescription } = await cognito.send(
      new DescribeUserPoolDomainCommand({ Domain: 'restore-target' }),
    );
    expect(DomainDescription?.ManagedLoginVersion).toBe(2);
    const elsewhere = new UpdateUserPoolDomainCommand({
      UserPoolId: poolId,
      Domain: 'other',
      ManagedLoginVersion: 1,
    });
    await expect(cognito.send(elsewhere)).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('the fake enforces email or phone as username, as Cognito does', () => {
  const usernamePool = async (UsernameAttributes: ('email' | 'phone_number')[]) =>
    (await cognito.send(new CreateUserPoolCommand({ PoolName: 'by-address', UsernameAttributes }))).UserPool
      ?.Id ?? '';
  const create = (UserPoolId: string, Username: string, attributes: Record<string, string> = {}) =>
    cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username,
        MessageAction: 'SUPPRESS',
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: Error) => `${error.name}: ${error.message}`,
    );

  it('refuses a username that is not an address, a UUID included', async () => {
    const email = await usernamePool(['email']);
    const phone = await usernamePool(['phone_number']);
    const both = await usernamePool(['email', 'phone_number']);
    const uuid = '0b8a5f7e-8c8e-4d8e-9d5e-1f2a3b4c5d6e';
    expect(await refusal(create(email, uuid))).toBe(
      'InvalidParameterException: Username should be an email.',
    );
    expect(await refusal(create(phone, 'ann@example.com'))).toBe(
      'InvalidParameterException: Username should be a phone number.',
    );
    expect(await refusal(create(both, 'ann'))).toBe(
      'InvalidParameterException: Username should be either an email or a phone number.',
    );
    expect(await refusal(create(email, 'ann@example.com', { email: 'other@example.com' }))).toBe(
      'InvalidParameterException: User email should be empty or same as username, since username attribute is email',
    );
    expect(() => running.fake.seedUsers(email, [{ username: 'ann' }])).toThrow(/should be an email/);
  });

  it('names the user after its sub, keeps the address in its attribute, and finds the user by either', async () => {
    const UserPoolId = await usernamePool(['email', 'phone_number']);
    const { User } = await create(UserPoolId, 'ann@example.com', { name: 'Ann' });
    const attributes = Object.fromEntries((User?.Attributes ?? []).map((a) => [a.Name, a.Value]));
    expect(User?.Username).toBe(attributes.sub);
    expect(attributes).toMatchObject({ email: 'ann@example.com', name: 'Ann' });
    const phone = await create(UserPoolId, '+15550100', { phone_number: '+15550100' });
    expect(phone.User?.Username).toMatch(/^[0-9a-f-]{36}$/);
    for (const Username of ['ann@example.com', User?.Username]) {
      const got = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username }));
      expect(got.Username).toBe(User?.Username);
    }
    const listed = await cognito.send(
      new ListUsersCommand({ UserPoolId, Filter: 'email = "ann@example.com"' }),
    );
    expect(listed.Users?.map((u) => u.Username)).toEqual([User?.Username]);
  });

  it('keeps each address to one user', async () => {
    const UserPoolId = await usernamePool(['email']);
    await create(UserPoolId, 'ann@example.com');
    const bob = await create(UserPoolId, 'bob@example.com');
    expect(await refusal(create(UserPoolId, 'ann@example.com'))).toBe(
      'UsernameExistsException: An account with the given email already exists.',
    );
    const update = new AdminUpdateUserAttributesCommand({
      UserPoolId,
      Username: bob.User?.Username,
      UserAttributes: [{ Name: 'email', Value: 'ann@example.com' }],
    });
    expect(await refusal(cognito.send(update))).toBe(
      'AliasExistsException: An account with the given email already exists.',
    );
  });
});

describe("the fake's throttling follows core's quota table", () => {
  it('shares one UserUpdate bucket between memberships and links, not with MFA preferences', async () => {
    await createUser('cy', { email: 'cy@example.com' });
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    running.fake.setRateLimits({ UserUpdate: { perSecond: 0.001, burst: 1 } });
    running.fake.resetCounts();
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'cy', GroupName: 'staff' }),
    );
    await expect(link('cy', 'Google', '42')).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(running.fake.throttledCount('AdminLinkProviderForUser')).toBe(1);
    // UserResourceUpdate has its own budget.
    await cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: 'cy',
        EmailMfaSettings: { Enabled: true },
      }),
    );
  });

  it('limits one operation on one pool when per-pool limits are on', async () => {
    const other = running.fake.createPool({ PoolName: 'other' });
    running.fake.call('CreateGroup', { UserPoolId: other, GroupName: 'staff' });
    running.fake.setRateLimits({ perPoolOperationLimits: { perSecond: 0.001, burst: 1 } });
    const getGroup = (UserPoolId: string) =>
      cognito.send(new GetGroupCommand({ UserPoolId, GroupName: 'staff' }));
    await getGroup(poolId);
    await expect(getGroup(poolId)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await getGroup(other);
    await cognito.send(new ListGroupsCommand({ UserPoolId: poolId }));
    // UserList operations have no per-pool limit.
    await cognito.send(new ListUsersCommand({ UserPoolId: poolId }));
    await cognito.send(new ListUsersCommand({ UserPoolId: poolId }));
  });

  it("offers AWS's defaults with the per-pool limit as one preset", () => {
    expect(AWS_RATE_LIMITS_WITH_PER_POOL).toMatchObject({
      UserCreation: { perSecond: 50 },
      UserUpdate: { perSecond: 25 },
      UserResourceUpdate: { perSecond: 25 },
      UserList: { perSecond: 30 },
      UserPoolClientUpdate: { perSecond: 15 },
      perPoolOperationLimits: true,
    });
  });
});
