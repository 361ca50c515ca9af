import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** Usernames chosen to exercise JSON-pointer escaping (`/`, `~`) and unicode end to end. */
const USERS = [
  { username: 'alice', email: 'alice@example.com', tenant: 'acme', groups: ['admins', 'editors'] },
  { username: 'bob', email: 'bob@example.com', tenant: 'acme', groups: ['editors'] },
  { username: 'carol', email: 'carol@example.com', tenant: 'globex', groups: ['viewers'] },
  { username: 'ops/dave', email: 'dave@example.com', tenant: 'globex', groups: ['admins'] },
  { username: 'émilie~dupont', email: 'emilie@example.com', tenant: 'initech', groups: ['viewers'] },
];

const GROUPS = [
  { name: 'admins', description: 'Full access', precedence: 1 },
  { name: 'editors', description: 'Can edit content', precedence: 5 },
  { name: 'viewers', description: 'Read only', precedence: 10 },
];

/** Creates the demo pool: custom attributes, users, groups with precedence, memberships, app clients. */
export async function createDemoPool(cognito: CognitoIdentityProviderClient): Promise<string> {
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'rewind-demo',
      Schema: [
        { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
        { Name: 'plan', AttributeDataType: 'String', Mutable: true },
      ],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireNumbers: true, RequireSymbols: true } },
    }),
  );
  const poolId = UserPool?.Id;
  if (!poolId) throw new Error('cognito-local did not return a pool id');
  await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web-app' }));
  await cognito.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'backend', GenerateSecret: true }),
  );
  for (const group of GROUPS) {
    await cognito.send(
      new CreateGroupCommand({
        UserPoolId: poolId,
        GroupName: group.name,
        Description: group.description,
        Precedence: group.precedence,
      }),
    );
  }
  // One write at a time: cognito-local loses concurrent writes to the same pool.
  for (const user of USERS) {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: user.username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'custom:tenant', Value: user.tenant },
          { Name: 'custom:plan', Value: 'free' },
        ],
      }),
    );
    for (const group of user.groups) {
      await cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: user.username, GroupName: group }),
      );
    }
  }
  await cognito.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'carol' }));
  return poolId;
}

/** The "bad afternoon": a user deleted, attributes changed, a membership lost, a newcomer added. */
export async function mutateDemoPool(
  cognito: CognitoIdentityProviderClient,
  poolId: string,
): Promise<string[]> {
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' }));
  await cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: poolId,
      Username: 'ops/dave',
      UserAttributes: [{ Name: 'custom:plan', Value: 'enterprise' }],
    }),
  );
  await cognito.send(
    new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }),
  );
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'frank',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'frank@example.com' },
        { Name: 'custom:tenant', Value: 'acme' },
      ],
    }),
  );
  return [
    'deleted user bob',
    'set custom:plan=enterprise on ops/dave',
    'removed alice from admins',
    'created user frank',
  ];
}
