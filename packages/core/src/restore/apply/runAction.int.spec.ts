import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../../adapters/aws/awsCognitoReader.js';
import { AwsCognitoWriter } from '../../adapters/aws/awsCognitoWriter.js';
import { createCognitoClient } from '../../adapters/aws/cognitoClient.js';
import { action } from '../plan/planContext.js';
import { runAction } from './runAction.js';

describe('runAction: re-created users and messages', () => {
  let running: RunningCognitoFake;
  let client: ReturnType<typeof createCognitoClient>;
  let poolId: string;
  /** AdminCreateUser requests as the SDK sent them. */
  const sent: Record<string, unknown>[] = [];

  beforeAll(async () => {
    running = await startCognitoFake();
    client = createCognitoClient({ endpoint: running.endpoint, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'AdminCreateUserCommand')
          sent.push(structuredClone(args.input as Record<string, unknown>));
        return next(args);
      },
      { step: 'initialize' },
    );
    poolId = running.fake.createPool({ PoolName: 'notify' });
  });

  afterAll(async () => {
    client?.destroy();
    await running?.stop();
  });

  const create = (username: string, attributes: Record<string, string>, notify: boolean) =>
    runAction(
      {
        writer: new AwsCognitoWriter(client),
        reader: new AwsCognitoReader(client),
        poolId,
        arn: undefined,
        clientId: (id) => id,
      },
      action(
        'createUser',
        `user:${username}`,
        { Username: username, UserAttributes: attributes, notify },
        'test',
      ),
    );

  it('sends no email or SMS by default, every attribute in the one AdminCreateUser, and returns the new sub', async () => {
    const answer = await create('ann', { email: 'ann@example.com', email_verified: 'true' }, false);
    expect(sent.at(-1)).toMatchObject({
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'ann@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(sent.at(-1)).not.toHaveProperty('DesiredDeliveryMediums');
    expect(answer?.newSub).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('with --notify lets Cognito invite the user where it can reach them', async () => {
    await create('ben', { email: 'ben@example.com', phone_number: '+15555550100' }, true);
    expect(sent.at(-1)).not.toHaveProperty('MessageAction');
    expect(sent.at(-1)?.DesiredDeliveryMediums).toEqual(['EMAIL', 'SMS']);
    await create('cat', { email: 'cat@example.com' }, true);
    expect(sent.at(-1)?.DesiredDeliveryMediums).toEqual(['EMAIL']);
  });
});
