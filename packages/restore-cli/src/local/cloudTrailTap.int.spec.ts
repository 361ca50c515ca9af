import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { parseCognitoEvent, recordTouches } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { type CognitoLocal, startCognitoLocal } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudTrailTap, startCloudTrailTap, type TapFaults } from './cloudTrailTap.js';

type Detail = Record<string, unknown> & {
  eventName: string;
  eventID: string;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: { sub?: string };
  errorCode?: string;
};
interface TapEvent {
  id: string;
  detail: Detail;
}

const TEMP_PASSWORD = 'Tap-Temp-Passw0rd!';
let local: CognitoLocal;
let direct: CognitoIdentityProviderClient;
const taps: CloudTrailTap[] = [];

async function tapWith(faults?: TapFaults) {
  const events: TapEvent[] = [];
  const tap = await startCloudTrailTap({
    target: local.endpoint,
    onEvent: (event) => {
      events.push(event as TapEvent);
    },
    ...(faults !== undefined ? { faults } : {}),
  });
  taps.push(tap);
  return { tap, events, client: createCognitoClient({ endpoint: tap.endpoint, region: 'us-east-1' }) };
}

const strip = <T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> => {
  const { $metadata: _, ...rest } = output;
  return rest;
};
const newPool = async (client: CognitoIdentityProviderClient, name: string) =>
  (await client.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool?.Id ?? '';

beforeAll(async () => {
  local = await startCognitoLocal();
  direct = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1' });
});

afterAll(async () => {
  for (const tap of taps) await tap.stop();
  await local?.stop();
});

describe('the local CloudTrail tap', () => {
  it('forwards every call unchanged and emits one CloudTrail event per state-changing call', async () => {
    const { tap, events, client } = await tapWith();
    const poolId = await newPool(client, 'tapped');
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors', Precedence: 3 }));
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'alice',
        TemporaryPassword: TEMP_PASSWORD,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }],
      }),
    );
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    const user = { UserPoolId: poolId, Username: 'alice' };
    await client.send(
      new AdminUpdateUserAttributesCommand({
        ...user,
        UserAttributes: [{ Name: 'given_name', Value: 'Alice' }],
      }),
    );
    await client.send(new AdminAddUserToGroupCommand({ ...user, GroupName: 'editors' }));
    await client.send(new AdminDisableUserCommand(user));

    // Read-only, and the same answer as cognito-local gives directly.
    const listed = await client.send(new ListUsersCommand({ UserPoolId: poolId }));
    expect(strip(listed)).toEqual(strip(await direct.send(new ListUsersCommand({ UserPoolId: poolId }))));
    expect(strip(await client.send(new AdminGetUserCommand(user)))).toEqual(
      strip(await direct.send(new AdminGetUserCommand(user))),
    );

    await client.send(new AdminDeleteUserCommand(user));
    const appClient = await client.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', GenerateSecret: true }),
    );
    const secret = appClient.UserPoolClient?.ClientSecret ?? '';
    expect(secret).not.toBe('');

    // A failed call fails the same way through the tap, and is still recorded.
    const viaTap = await client.send(new AdminDeleteUserCommand(user)).catch((e: Error) => e);
    const viaDirect = await direct.send(new AdminDeleteUserCommand(user)).catch((e: Error) => e);
    expect(viaTap).toBeInstanceOf(Error);
    expect([(viaTap as Error).name, (viaTap as Error).message]).toEqual([
      (viaDirect as Error).name,
      (viaDirect as Error).message,
    ]);
    await tap.idle();

    expect(events.map((e) => e.detail.eventName)).toEqual([
      'CreateUserPool',
      'CreateGroup',
      'AdminCreateUser',
      'AdminUpdateUserAttributes',
      'AdminAddUserToGroup',
      'AdminDisableUser',
      'AdminDeleteUser',
      'CreateUserPoolClient',
      'AdminDeleteUser',
    ]);
    for (const event of events) expect(parseCognitoEvent(event)).toMatchObject({ ok: true });

    const text = JSON.stringify(events);
    expect(text).not.toContain(TEMP_PASSWORD);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('alice');

    const [pool, group, create, update, addToGroup, disable, remove, newClient, failed] = events.map(
      (e) => e.detail,
    ) as Detail[];
    expect(pool?.responseElements).toMatchObject({ userPool: { id: poolId, name: 'tapped' } });
    expect(group?.requestParameters).toEqual({ userPoolId: poolId, groupName: 'editors', precedence: 3 });
    expect(create?.requestParameters).toMatchObject({
      userPoolId: poolId,
      username: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      userAttributes: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      messageAction: 'SUPPRESS',
    });
    expect(update?.requestParameters.userAttributes).toBe('HIDDEN_DUE_TO_SECURITY_REASONS');
    for (const detail of [create, update, addToGroup, disable, remove])
      expect(detail?.additionalEventData).toEqual({ sub });
    expect(newClient?.responseElements).toEqual({
      userPoolClient: { userPoolId: poolId, clientName: 'web', clientId: appClient.UserPoolClient?.ClientId },
    });
    expect(failed).toMatchObject({ errorCode: 'UserNotFoundException', responseElements: null });
    expect(failed?.errorMessage).toEqual(expect.any(String));

    // What capture makes of them: the right entities, the failure ignored.
    expect(recordTouches(remove as never)).toMatchObject({ poolId, touches: [{ kind: 'userBySub', sub }] });
    expect(recordTouches(newClient as never)).toMatchObject({
      touches: [{ kind: 'entity', key: `client:${appClient.UserPoolClient?.ClientId}` }],
    });
    expect(recordTouches(failed as never)).toMatchObject({ ignored: expect.stringContaining('failed') });
  });

  it("records public and access-token calls as anonymous, with the user's sub", async () => {
    const { tap, events, client } = await tapWith();
    const poolId = await newPool(client, 'public');
    const appClient = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const ClientId = appClient.UserPoolClient?.ClientId ?? '';
    const password = 'Bob-Passw0rd!';
    const signedUp = await client.send(
      new SignUpCommand({
        ClientId,
        Username: 'bob',
        Password: password,
        UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }],
      }),
    );
    const sub = signedUp.UserSub;
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'bob' }));
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'bob', PASSWORD: password },
      }),
    );
    const AccessToken = auth.AuthenticationResult?.AccessToken ?? '';
    await client.send(
      new UpdateUserAttributesCommand({
        AccessToken,
        UserAttributes: [{ Name: 'given_name', Value: 'Bob' }],
      }),
    );
    await client.send(new ForgotPasswordCommand({ ClientId, Username: 'bob' }));
    await client.send(new DeleteUserCommand({ AccessToken }));
    await tap.idle();

    const details = events.map((e) => e.detail);
    // InitiateAuth is a sign-in, not a change: no event.
    expect(details.map((d) => d.eventName)).toEqual([
      'CreateUserPool',
      'CreateUserPoolClient',
      'SignUp',
      'AdminConfirmSignUp',
      'UpdateUserAttributes',
      'ForgotPassword',
      'DeleteUser',
    ]);
    for (const event of events) expect(parseCognitoEvent(event)).toMatchObject({ ok: true });
    const text = JSON.stringify(events);
    for (const secret of [password, AccessToken, 'bob']) expect(text).not.toContain(secret);

    const [, , signUp, confirm, update, forgot, deleted] = details as Detail[];
    expect(signUp).toMatchObject({
      userIdentity: { type: 'Unknown', principalId: 'Anonymous' },
      requestParameters: { clientId: ClientId, password: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      responseElements: { userSub: sub },
    });
    expect(confirm?.additionalEventData).toEqual({ sub });
    for (const detail of [update, deleted]) {
      expect(detail?.userIdentity).toEqual({ type: 'Unknown', principalId: 'Anonymous' });
      expect(detail?.additionalEventData).toEqual({ sub, userPoolId: poolId });
    }
    // Found through the client's pool: the call names only the client.
    expect(forgot?.additionalEventData).toEqual({ sub });
    expect(recordTouches(signUp as never)).toMatchObject({
      poolOfClient: ClientId,
      touches: [{ kind: 'userBySub', sub }],
    });
    expect(recordTouches(deleted as never)).toMatchObject({ poolId, touches: [{ kind: 'userBySub', sub }] });
  });

  it('duplicates an event with the same ids', async () => {
    const { tap, events, client } = await tapWith({ duplicate: (e) => e.eventName === 'CreateGroup' });
    const poolId = await newPool(client, 'dup');
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'g' }));
    await tap.idle();
    expect(events.map((e) => e.detail.eventName)).toEqual(['CreateUserPool', 'CreateGroup', 'CreateGroup']);
    expect(events[1]?.detail.eventID).toBe(events[2]?.detail.eventID);
    expect(events[1]?.id).toBe(events[2]?.id);
  });

  it('drops events, without touching the call', async () => {
    const { tap, events, client } = await tapWith({ drop: (e) => e.eventName === 'CreateGroup' });
    const poolId = await newPool(client, 'drop');
    const answer = await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'g' }));
    expect(answer.Group?.GroupName).toBe('g');
    await tap.idle();
    expect(events.map((e) => e.detail.eventName)).toEqual(['CreateUserPool']);
  });

  it('reorders each window of events, and flushes the rest', async () => {
    const { tap, events, client } = await tapWith({ reorder: 3, delayMs: 5 });
    const poolId = await newPool(client, 'reorder');
    for (const name of ['a', 'b', 'c'])
      await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: name }));
    await tap.idle();
    expect(events.map((e) => e.detail.requestParameters.groupName ?? e.detail.eventName)).toEqual([
      'b',
      'a',
      'CreateUserPool',
    ]);
    await tap.flush();
    expect(events.map((e) => e.detail.requestParameters.groupName ?? e.detail.eventName)).toEqual([
      'b',
      'a',
      'CreateUserPool',
      'c',
    ]);
  });

  it('keeps the call working when the consumer fails', async () => {
    const tap = await startCloudTrailTap({
      target: local.endpoint,
      onEvent: () => {
        throw new Error('consumer down');
      },
    });
    taps.push(tap);
    const client = createCognitoClient({ endpoint: tap.endpoint, region: 'us-east-1' });
    expect(await newPool(client, 'failing-consumer')).toMatch(/_/);
    await tap.idle();
  });
});
