import { CreateGroupCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { RawAttribute } from '@cognito-rewind/core';
import { isRewindError, PoolNotFoundError, toArray } from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import { attributesOf, failure, SUPPRESS, sorted, type WriterTestContext } from './cognitoWriter.context.js';

const byName = (attributes: readonly RawAttribute[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.Name, a.Value]));

const PASSWORD_POLICY = {
  MinimumLength: 12,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: false,
  TemporaryPasswordValidityDays: 3,
};

/** Pool, MFA, groups, users, memberships and app clients: what every endpoint implements. */
export function coreWriterTests(t: WriterTestContext): void {
  it('creates a pool with a custom attribute schema and a username configuration', async () => {
    const { poolId } = await t.writer.createUserPool({
      PoolName: 'created-by-writer',
      Schema: [
        {
          Name: 'tenant',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
        },
        { Name: 'seats', AttributeDataType: 'Number', Mutable: false },
      ],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: { PasswordPolicy: PASSWORD_POLICY },
    });
    const { UserPool: pool } = await t.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(pool).toMatchObject({ Id: poolId, Name: 'created-by-writer' });
    expect(pool?.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(pool?.Policies?.PasswordPolicy).toMatchObject(PASSWORD_POLICY);
    const schema = pool?.SchemaAttributes ?? [];
    expect(schema.find((a) => a.Name === 'custom:tenant')).toMatchObject({
      AttributeDataType: 'String',
      Mutable: true,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
    });
    expect(schema.find((a) => a.Name === 'custom:seats')).toMatchObject({
      AttributeDataType: 'Number',
      Mutable: false,
    });
  });

  it('updates the pool, and what an update leaves out goes back to its default', async () => {
    const { poolId } = await t.newPool();
    await t.writer.updateUserPool(poolId, {
      Policies: { PasswordPolicy: PASSWORD_POLICY },
      AutoVerifiedAttributes: ['email'],
      EmailVerificationSubject: 'Your Rewind code',
    });
    expect(await t.reader.describeUserPool(poolId)).toMatchObject({
      Policies: { PasswordPolicy: PASSWORD_POLICY },
      AutoVerifiedAttributes: ['email'],
      EmailVerificationSubject: 'Your Rewind code',
    });
    const shorter = { ...PASSWORD_POLICY, MinimumLength: 9 };
    await t.writer.updateUserPool(poolId, { Policies: { PasswordPolicy: shorter } });
    const after = await t.reader.describeUserPool(poolId);
    expect(after.Policies).toMatchObject({ PasswordPolicy: shorter });
    // Cognito resets every updatable setting a request leaves out: that is why a restore passes them all.
    expect(after.AutoVerifiedAttributes ?? []).toEqual([]);
    expect(after.EmailVerificationSubject).not.toBe('Your Rewind code');
  });

  it('sets the pool MFA configuration', async () => {
    const { poolId } = await t.newPool();
    await t.writer.setMfaConfig(poolId, {
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    expect(await t.reader.getMfaConfig(poolId)).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    await t.writer.setMfaConfig(poolId, {
      MfaConfiguration: 'OFF',
      SoftwareTokenMfaConfiguration: { Enabled: false },
    });
    expect(await t.reader.getMfaConfig(poolId)).toMatchObject({
      MfaConfiguration: 'OFF',
      SoftwareTokenMfaConfiguration: { Enabled: false },
    });
  });

  it('creates, updates and deletes a group', async () => {
    const { poolId } = await t.newPool();
    await t.writer.createGroup(poolId, { GroupName: 'admins', Description: 'Full access', Precedence: 1 });
    expect(await t.reader.getGroup(poolId, 'admins')).toMatchObject({
      GroupName: 'admins',
      Description: 'Full access',
      Precedence: 1,
    });
    await t.writer.updateGroup(poolId, { GroupName: 'admins', Description: 'Everything', Precedence: 2 });
    expect(await t.reader.getGroup(poolId, 'admins')).toMatchObject({
      Description: 'Everything',
      Precedence: 2,
    });
    if (t.supports.refusesDuplicateGroups) {
      const taken = await failure(t.writer.createGroup(poolId, { GroupName: 'admins' }));
      expect(taken).toMatchObject({ name: 'GroupExistsException' });
    }
    await t.writer.deleteGroup(poolId, 'admins');
    expect(await t.reader.getGroup(poolId, 'admins')).toBeUndefined();
  });

  it('creates a user with every attribute at once, verified flag and custom attribute included', async () => {
    const { poolId } = await t.newPool();
    const attributes = {
      email: 'alice@example.com',
      email_verified: 'true',
      name: 'Alice',
      'custom:tenant': 'acme',
    };
    const created = await t.writer.createUser(poolId, 'alice', attributes, SUPPRESS);
    expect(created).toMatchObject({ Username: 'alice', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(created.UserCreateDate).toBeInstanceOf(Date);
    expect(created).not.toHaveProperty('$metadata');
    const returned = byName(created.Attributes);
    expect(returned).toMatchObject(attributes);
    expect(returned.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(await attributesOf(t.cognito, poolId, 'alice')).toEqual(returned);
  });

  it('creates a user without any way to reach them when messages are suppressed', async () => {
    const { poolId } = await t.newPool();
    // Without SUPPRESS, Cognito would need an email or phone number to send the invitation to.
    const quiet = await t.writer.createUser(poolId, 'quiet', { 'custom:tenant': 'acme' }, SUPPRESS);
    expect(quiet.Username).toBe('quiet');
    const invited = await t.writer.createUser(
      poolId,
      'invited',
      { email: 'invited@example.com' },
      { suppressMessages: false, deliveryMediums: ['EMAIL'] },
    );
    expect(byName(invited.Attributes).email).toBe('invited@example.com');
    expect(await t.reader.getUser(poolId, 'invited')).toMatchObject({ Username: 'invited' });
  });

  it("updates and deletes a user's attributes", async () => {
    const { poolId } = await t.newPool();
    await t.writer.createUser(
      poolId,
      'bob',
      { 'custom:tenant': 'acme', name: 'Bob', nickname: 'bobby' },
      SUPPRESS,
    );
    await t.writer.updateUserAttributes(poolId, 'bob', {
      'custom:tenant': 'globex',
      given_name: 'Robert',
      email: 'bob@example.com',
      email_verified: 'true',
    });
    expect(await attributesOf(t.cognito, poolId, 'bob')).toMatchObject({
      'custom:tenant': 'globex',
      given_name: 'Robert',
      name: 'Bob',
      email: 'bob@example.com',
      email_verified: 'true',
    });
    await t.writer.deleteUserAttributes(poolId, 'bob', ['nickname', 'given_name']);
    const after = await attributesOf(t.cognito, poolId, 'bob');
    expect(after).not.toHaveProperty('nickname');
    expect(after).not.toHaveProperty('given_name');
    expect(after.name).toBe('Bob');
  });

  it('disables, enables and deletes a user', async () => {
    const { poolId } = await t.newPool();
    await t.writer.createUser(poolId, 'carol', {}, SUPPRESS);
    await t.writer.setUserEnabled(poolId, 'carol', false);
    expect((await t.reader.getUser(poolId, 'carol'))?.Enabled).toBe(false);
    await t.writer.setUserEnabled(poolId, 'carol', true);
    expect((await t.reader.getUser(poolId, 'carol'))?.Enabled).toBe(true);
    await t.writer.deleteUser(poolId, 'carol');
    expect(await t.reader.getUser(poolId, 'carol')).toBeUndefined();
  });

  it('adds a user to groups and removes them again', async () => {
    const { poolId } = await t.newPool();
    for (const GroupName of ['editors', 'viewers']) {
      await t.cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName }));
    }
    await t.writer.createUser(poolId, 'dave', {}, SUPPRESS);
    await t.writer.addUserToGroup(poolId, 'dave', 'editors');
    await t.writer.addUserToGroup(poolId, 'dave', 'viewers');
    expect(sorted(await t.reader.listGroupsForUser(poolId, 'dave'))).toEqual(['editors', 'viewers']);
    expect(await toArray(t.reader.listUsersInGroup(poolId, 'editors'))).toEqual(['dave']);
    await t.writer.removeUserFromGroup(poolId, 'dave', 'editors');
    expect(await t.reader.listGroupsForUser(poolId, 'dave')).toEqual(['viewers']);
    expect(await toArray(t.reader.listUsersInGroup(poolId, 'editors'))).toEqual([]);
  });

  it('creates app clients with and without a secret, updates and deletes them', async () => {
    const { poolId } = await t.newPool();
    const flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
    const web = await t.writer.createClient(poolId, {
      ClientName: 'web',
      ExplicitAuthFlows: flows,
      RefreshTokenValidity: 10,
    });
    const backend = await t.writer.createClient(poolId, { ClientName: 'backend', GenerateSecret: true });
    // Only the id comes back: the new secret stays in Cognito.
    expect(Object.keys(web)).toEqual(['clientId']);
    const described = await t.reader.describeClient(poolId, web.clientId);
    expect(described).toMatchObject({
      ClientName: 'web',
      ExplicitAuthFlows: flows,
      RefreshTokenValidity: 10,
    });
    expect(described?.ClientSecret).toBeUndefined();
    const secret = (await t.reader.describeClient(poolId, backend.clientId))?.ClientSecret;
    expect(secret).toEqual(expect.stringMatching(/^\w{20,}$/));

    await t.writer.updateClient(poolId, web.clientId, {
      ClientName: 'web-app',
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      RefreshTokenValidity: 20,
    });
    expect(await t.reader.describeClient(poolId, web.clientId)).toMatchObject({
      ClientName: 'web-app',
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      RefreshTokenValidity: 20,
    });
    if (t.supports.clientUpdateResets) {
      await t.writer.updateClient(poolId, web.clientId, { ClientName: 'web-app' });
      expect((await t.reader.describeClient(poolId, web.clientId))?.RefreshTokenValidity).not.toBe(20);
    }
    await t.writer.deleteClient(poolId, backend.clientId);
    expect(await t.reader.describeClient(poolId, backend.clientId)).toBeUndefined();
    expect(await t.reader.describeClient(poolId, web.clientId)).toMatchObject({ ClientName: 'web-app' });
  });

  it("passes Cognito's refusals on under Cognito's own name and message", async () => {
    const { poolId } = await t.newPool();
    await t.writer.createUser(poolId, 'erin', {}, SUPPRESS);
    // cognito-local answers a group lookup in a pool that never had a group with HTTP 500.
    await t.writer.createGroup(poolId, { GroupName: 'staff' });
    const refusals = {
      UsernameExistsException: () => t.writer.createUser(poolId, 'erin', {}, SUPPRESS),
      InvalidParameterException: () => t.writer.updateUserAttributes(poolId, 'erin', { 'custom:nope': 'x' }),
      // The pool exists, so a missing group or client is that thing's refusal, not PoolNotFoundError.
      ResourceNotFoundException: () =>
        t.writer.updateGroup(poolId, { GroupName: 'no-such-group', Precedence: 1 }),
      UserNotFoundException: () => t.writer.deleteUser(poolId, 'no-such-user'),
    };
    for (const [name, call] of Object.entries(refusals)) {
      const error = await failure(call());
      expect(error).toMatchObject({ name });
      expect(String((error as Error).message)).not.toBe('');
      expect(isRewindError(error)).toBe(false);
    }
    const noClient = await failure(t.writer.deleteClient(poolId, 'nosuchclient0000000000000'));
    expect(noClient).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('names a missing pool on every write to it', async () => {
    const { missingPoolId: missing } = await t.newPool();
    const writes = [
      () => t.writer.updateUserPool(missing, {}),
      () => t.writer.setMfaConfig(missing, { MfaConfiguration: 'OFF' }),
      () => t.writer.createGroup(missing, { GroupName: 'g' }),
      () => t.writer.updateGroup(missing, { GroupName: 'g', Precedence: 1 }),
      () => t.writer.deleteGroup(missing, 'g'),
      () => t.writer.createUser(missing, 'u', {}, SUPPRESS),
      () => t.writer.updateUserAttributes(missing, 'u', { name: 'U' }),
      () => t.writer.deleteUserAttributes(missing, 'u', ['name']),
      () => t.writer.setUserEnabled(missing, 'u', false),
      () => t.writer.deleteUser(missing, 'u'),
      () => t.writer.addUserToGroup(missing, 'u', 'g'),
      () => t.writer.removeUserFromGroup(missing, 'u', 'g'),
      () => t.writer.createClient(missing, { ClientName: 'c' }),
      () => t.writer.updateClient(missing, 'nosuchclient0000000000000', { ClientName: 'c' }),
      () => t.writer.deleteClient(missing, 'nosuchclient0000000000000'),
    ];
    for (const write of writes) {
      const error = await failure(write());
      expect(error).toBeInstanceOf(PoolNotFoundError);
      expect((error as PoolNotFoundError).poolId).toBe(missing);
    }
  });
}
