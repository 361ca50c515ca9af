import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoReader, CognitoWriter, CreateUserOptions } from '@cognito-rewind/core';
import { ComponentUnsupportedError } from '@cognito-rewind/core';
import { expect } from 'vitest';
import type { CognitoSupport } from './cognitoReader.sample.js';

/** What the endpoint implements among the writes, and where it departs from Cognito's documented behaviour. */
export interface CognitoWriterSupport extends CognitoSupport {
  /** AdminLinkProviderForUser. */
  linkProvider: boolean;
  /** UpdateUserPoolClient returns the settings it is not given to their defaults, as AWS documents. */
  clientUpdateResets: boolean;
  /** CreateGroup refuses a name in use with GroupExistsException (cognito-local replaces the group). */
  refusesDuplicateGroups: boolean;
}

export interface CognitoWriterFixture {
  endpoint: string;
  makeWriter(): CognitoWriter;
  makeReader(): CognitoReader;
  supports: CognitoWriterSupport;
  stop(): Promise<void>;
}

export interface TestPool {
  poolId: string;
  poolArn: string;
  /** A pool id of the same endpoint and region that does not exist. */
  missingPoolId: string;
}

/** What each test of the writer contract works with; valid once the suite's beforeAll has run. */
export interface WriterTestContext {
  readonly writer: CognitoWriter;
  /** Reads back what the writer wrote (the reader has its own contract). */
  readonly reader: CognitoReader;
  /** The real SDK client, for setup and for reads the reader does not offer. */
  readonly cognito: CognitoIdentityProviderClient;
  readonly supports: CognitoWriterSupport;
  /** A new pool made through the SDK: custom attribute `tenant`, threat protection in audit mode. */
  newPool(): Promise<TestPool>;
}

export const SUPPRESS: CreateUserOptions = { suppressMessages: true };

export async function createTestPool(cognito: CognitoIdentityProviderClient): Promise<TestPool> {
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'writer-contract',
      Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    }),
  );
  const poolId = UserPool?.Id ?? '';
  return { poolId, poolArn: UserPool?.Arn ?? '', missingPoolId: `${poolId.split('_')[0]}_NoSuchPool1` };
}

/** The rejection of `call`, or undefined when it succeeds. */
export const failure = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

/** The write fails with ComponentUnsupportedError naming `component`, after a single attempt. */
export async function expectUnsupported(call: Promise<unknown>, component: string): Promise<void> {
  const error = await failure(call);
  expect(error).toBeInstanceOf(ComponentUnsupportedError);
  expect((error as ComponentUnsupportedError).component).toBe(component);
  const cause = (error as { cause?: { $metadata?: { attempts?: number } } }).cause;
  expect(cause?.$metadata?.attempts).toBe(1);
}

/** A user's attributes by name, read with AdminGetUser through the SDK. */
export async function attributesOf(
  cognito: CognitoIdentityProviderClient,
  poolId: string,
  username: string,
): Promise<Record<string, string | undefined>> {
  const out = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  return Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
}

export const sorted = (values: readonly string[] | undefined): string[] => [...(values ?? [])].sort();
