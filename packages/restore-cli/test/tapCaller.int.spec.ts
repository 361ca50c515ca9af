import {
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { parseCognitoEvent } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { type CognitoLocal, startCognitoLocal } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessKeyIdOf } from '../src/local/callerIdentity.js';
import { type CloudTrailTap, startCloudTrailTap } from '../src/local/cloudTrailTap.js';

/**
 * Who the tap says made a call: the IAM user of the access key that signed it, as CloudTrail names
 * the caller, so two AWS CLI profiles (two keys) are two callers; public and unsigned calls name
 * nobody.
 */

interface Detail {
  eventName: string;
  userIdentity: Record<string, unknown>;
}

let cognito: CognitoLocal;
let tap: CloudTrailTap;
const events: { detail: Detail }[] = [];

const clientWith = (accessKeyId: string) =>
  createCognitoClient({
    endpoint: tap.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: `secret-of-${accessKeyId}` },
  });

beforeAll(async () => {
  cognito = await startCognitoLocal();
  tap = await startCloudTrailTap({
    target: cognito.endpoint,
    onEvent: (event) => void events.push(event as { detail: Detail }),
  });
});

afterAll(async () => {
  await tap?.stop();
  await cognito?.stop();
});

describe('accessKeyIdOf', () => {
  it('reads the key id of a SigV4 Authorization header, and nothing else', () => {
    expect(
      accessKeyIdOf(
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123',
      ),
    ).toBe('AKIAIOSFODNN7EXAMPLE');
    for (const header of [
      undefined,
      '',
      'Bearer eyJ0eXAi',
      'AWS AKIAIOSFODNN7EXAMPLE:signature',
      'AWS4-HMAC-SHA256 Credential=/20260101/us-east-1/cognito-idp/aws4_request',
      'AWS4-HMAC-SHA256 Credential=AKIA/../x',
    ])
      expect(accessKeyIdOf(header === '' ? undefined : header), String(header)).toBeUndefined();
  });
});

describe("the tap's caller", () => {
  it('is the IAM user of the signing key: two keys are two callers, the same key the same one', async () => {
    const alice = clientWith('AKIAALICE0000000000A');
    const bob = clientWith('AKIABOB00000000000B0');
    try {
      const poolId = (await alice.send(new CreateUserPoolCommand({ PoolName: 'callers' }))).UserPool?.Id;
      await bob.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'by-bob' }));
      await alice.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'by-alice' }));
      const { UserPoolClient } = await alice.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }),
      );
      // A public call: no IAM credentials in AWS (the SDK does not sign it), so nobody is named.
      await bob.send(
        new SignUpCommand({
          ClientId: UserPoolClient?.ClientId,
          Username: 'carol',
          Password: 'Caller-Pass-1!',
        }),
      );
      await tap.idle();
    } finally {
      alice.destroy();
      bob.destroy();
    }
    const [createPool, byBob, byAlice, , signUp] = events.map((e) => e.detail);
    expect(createPool?.userIdentity).toEqual({
      type: 'IAMUser',
      principalId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      arn: 'arn:aws:iam::000000000000:user/AKIAALICE0000000000A',
      accountId: '000000000000',
      accessKeyId: 'AKIAALICE0000000000A',
      userName: 'AKIAALICE0000000000A',
    });
    expect(byBob?.userIdentity).toMatchObject({
      type: 'IAMUser',
      arn: 'arn:aws:iam::000000000000:user/AKIABOB00000000000B0',
      accessKeyId: 'AKIABOB00000000000B0',
    });
    expect(byAlice?.userIdentity).toEqual(createPool?.userIdentity);
    expect(byBob?.userIdentity.principalId).not.toBe(byAlice?.userIdentity.principalId);
    expect(signUp).toMatchObject({
      eventName: 'SignUp',
      userIdentity: { type: 'Unknown', principalId: 'Anonymous' },
    });
    // Capture takes every one of them, and no secret is in any.
    for (const event of events) expect(parseCognitoEvent(event)).toMatchObject({ ok: true });
    expect(JSON.stringify(events)).not.toContain('secret-of-');
  });

  it('names nobody for an unsigned admin call (AWS would refuse it; cognito-local takes it)', async () => {
    events.splice(0);
    const response = await fetch(tap.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.CreateUserPool',
      },
      body: JSON.stringify({ PoolName: 'unsigned' }),
    });
    expect(response.status).toBe(200);
    await tap.idle();
    expect(events.map((e) => e.detail.userIdentity)).toEqual([{ type: 'Unknown', principalId: 'Anonymous' }]);
  });
});
