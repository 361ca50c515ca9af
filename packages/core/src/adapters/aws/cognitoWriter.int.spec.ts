import { createServer } from 'node:net';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { type CognitoWriterSupport, cognitoWriterContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CognitoThrottledError, EndpointUnreachableError } from '../../errors.js';
import { AwsCognitoReader } from './awsCognitoReader.js';
import { AwsCognitoWriter } from './awsCognitoWriter.js';
import { createCognitoClient } from './cognitoClient.js';

// Millisecond backoff keeps retried calls fast; the behaviour under test is the same as with AWS's delays.
const FAST = { baseDelayMs: 2, throttlingBaseDelayMs: 2, maxDelayMs: 50, retryMode: 'standard' } as const;

function adapters(endpoint: string) {
  const made: { close(): void }[] = [];
  const keep = <T extends { close(): void }>(adapter: T): T => {
    made.push(adapter);
    return adapter;
  };
  return {
    makeWriter: () => keep(new AwsCognitoWriter({ endpoint, ...FAST })),
    makeReader: () => keep(new AwsCognitoReader({ endpoint, ...FAST, pageSize: 2 })),
    closeAll: () => {
      for (const adapter of made) adapter.close();
    },
  };
}

// Found by running the contract: cognito-local 5.3 implements users, groups, memberships, app clients,
// pools and pool MFA; it answers "Unsupported" for everything else the writer does.
const COGNITO_LOCAL: CognitoWriterSupport = {
  identityProviders: false,
  resourceServers: false,
  domain: false,
  uiCustomization: false,
  riskConfiguration: false,
  tags: false,
  userMfaPreferences: false,
  linkProvider: false,
  // It keeps whatever UpdateUserPoolClient leaves out, and CreateGroup on a taken name replaces the group.
  clientUpdateResets: false,
  refusesDuplicateGroups: false,
};
const EVERYTHING = Object.fromEntries(
  Object.keys(COGNITO_LOCAL).map((key) => [key, true]),
) as unknown as CognitoWriterSupport;

cognitoWriterContract('cognito-local', async () => {
  const local = await startCognitoLocal();
  const made = adapters(local.endpoint);
  return {
    endpoint: local.endpoint,
    ...made,
    supports: COGNITO_LOCAL,
    stop: async () => {
      made.closeAll();
      await local.stop();
    },
  };
});

cognitoWriterContract('in-memory fake, pages of 2', async () => {
  const running = await startCognitoFake({ pageSize: 2 });
  const made = adapters(running.endpoint);
  return {
    endpoint: running.endpoint,
    ...made,
    supports: EVERYTHING,
    stop: async () => {
      made.closeAll();
      await running.stop();
    },
  };
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('AwsCognitoWriter requests, against the fake', () => {
  let running: RunningCognitoFake;
  let poolId: string;
  /** Every request the shared client sent, as operation and input. */
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  let client: ReturnType<typeof createCognitoClient>;
  let writer: AwsCognitoWriter;

  beforeAll(async () => {
    running = await startCognitoFake();
    client = createCognitoClient({ endpoint: running.endpoint, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push({
          command: String(context.commandName),
          input: structuredClone(args.input as Record<string, unknown>),
        });
        return next(args);
      },
      { step: 'initialize' },
    );
    writer = new AwsCognitoWriter(client);
    poolId = running.fake.createPool({ PoolName: 'requests' });
    running.fake.call('CreateIdentityProvider', {
      UserPoolId: poolId,
      ProviderName: 'Acme',
      ProviderType: 'OIDC',
      ProviderDetails: { client_id: 'x', authorize_scopes: 'openid', oidc_issuer: 'https://acme.example' },
    });
  });

  afterEach(() => {
    sent.length = 0;
    running.fake.clearFaults();
    running.fake.resetCounts();
  });

  afterAll(async () => {
    client.destroy();
    await running.stop();
  });

  it('sends AdminCreateUser with MessageAction SUPPRESS, or the delivery mediums asked for', async () => {
    await writer.createUser(
      poolId,
      'quiet',
      { name: 'Q' },
      { suppressMessages: true, deliveryMediums: ['EMAIL'] },
    );
    await writer.createUser(
      poolId,
      'told',
      { email: 't@example.com' },
      { suppressMessages: false, deliveryMediums: ['EMAIL'] },
    );
    await writer.createUser(poolId, 'default', {}, { suppressMessages: false });
    expect(sent.map((s) => s.input)).toEqual([
      {
        UserPoolId: poolId,
        Username: 'quiet',
        UserAttributes: [{ Name: 'name', Value: 'Q' }],
        MessageAction: 'SUPPRESS',
      },
      {
        UserPoolId: poolId,
        Username: 'told',
        UserAttributes: [{ Name: 'email', Value: 't@example.com' }],
        DesiredDeliveryMediums: ['EMAIL'],
      },
      { UserPoolId: poolId, Username: 'default', UserAttributes: [] },
    ]);
  });

  it('sends one command per method, inputs as the port documents', async () => {
    await writer.createUser(poolId, 'u', {}, { suppressMessages: true });
    sent.length = 0;
    await writer.setUserEnabled(poolId, 'u', false);
    await writer.setUserEnabled(poolId, 'u', true);
    await writer.setUserMfaPreference(poolId, 'u', { sms: { enabled: false, preferred: false } });
    await writer.linkProviderForUser(poolId, 'u', {
      providerName: 'Acme',
      attributeName: 'Cognito_Subject',
      attributeValue: 'acme-1',
    });
    await writer.updateClient(poolId, (await writer.createClient(poolId, { ClientName: 'c' })).clientId, {
      ClientName: 'c2',
      UserPoolId: 'ignored',
    });
    expect(sent.map((s) => s.command)).toEqual([
      'AdminDisableUserCommand',
      'AdminEnableUserCommand',
      'AdminSetUserMFAPreferenceCommand',
      'AdminLinkProviderForUserCommand',
      'CreateUserPoolClientCommand',
      'UpdateUserPoolClientCommand',
    ]);
    expect(sent[2]?.input).toEqual({
      UserPoolId: poolId,
      Username: 'u',
      SMSMfaSettings: { Enabled: false, PreferredMfa: false },
    });
    expect(sent[3]?.input).toEqual({
      UserPoolId: poolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'u' },
      SourceUser: {
        ProviderName: 'Acme',
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: 'acme-1',
      },
    });
    expect(sent[5]?.input).toMatchObject({ UserPoolId: poolId, ClientName: 'c2' });
  });

  it('retries throttling, then names it', async () => {
    running.fake.failNext('AdminCreateUser', { type: 'TooManyRequestsException', times: 1 });
    const patient = new AwsCognitoWriter({ endpoint: running.endpoint, ...FAST, maxAttempts: 3 });
    try {
      await patient.createUser(poolId, 'retried', {}, { suppressMessages: true });
      expect(running.fake.callCount('AdminCreateUser')).toBe(2);
      running.fake.failNext('CreateGroup', { type: 'TooManyRequestsException', times: 10 });
      const error = await patient.createGroup(poolId, { GroupName: 'g' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CognitoThrottledError);
      expect(error).toMatchObject({ operation: 'CreateGroup', attempts: 3 });
    } finally {
      patient.close();
    }
  });

  it('reports an endpoint with nothing listening as unreachable', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const lost = new AwsCognitoWriter({ endpoint, maxAttempts: 5 });
    try {
      const error = await lost.deleteUser(poolId, 'u').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointUnreachableError);
      expect(error).toMatchObject({ endpoint });
    } finally {
      lost.close();
    }
  });
});
