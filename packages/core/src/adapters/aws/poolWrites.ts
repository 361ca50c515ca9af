import {
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  CreateUserPoolDomainCommand,
  type CreateUserPoolDomainCommandInput,
  DeleteUserPoolDomainCommand,
  ListTagsForResourceCommand,
  SetRiskConfigurationCommand,
  type SetRiskConfigurationCommandInput,
  SetUICustomizationCommand,
  SetUserPoolMfaConfigCommand,
  type SetUserPoolMfaConfigCommandInput,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { ComponentUnsupportedError, RewindError } from '../../errors.js';
import type { RawRecord } from '../../model/raw.js';
import type { CognitoCalls } from './cognitoCalls.js';
import { asInput, entityWrite, poolWrite } from './writeSites.js';

/** Writes to the pool itself and to its one-per-pool settings: MFA, domain, UI, risk, tags. */

export async function createUserPool(calls: CognitoCalls, settings: RawRecord): Promise<{ poolId: string }> {
  const out = await calls.call({ component: 'pool', operation: 'CreateUserPool' }, () =>
    calls.client.send(new CreateUserPoolCommand(asInput<CreateUserPoolCommandInput>(settings))),
  );
  const poolId = out.UserPool?.Id;
  if (poolId === undefined) throw new RewindError('CreateUserPool answered without the new pool id');
  return { poolId };
}

export async function updateUserPool(
  calls: CognitoCalls,
  poolId: string,
  settings: RawRecord,
): Promise<void> {
  const input = asInput<UpdateUserPoolCommandInput>({ ...settings, UserPoolId: poolId });
  await poolWrite(calls, 'pool', 'UpdateUserPool', poolId, () =>
    calls.client.send(new UpdateUserPoolCommand(input)),
  );
}

export async function setMfaConfig(calls: CognitoCalls, poolId: string, config: RawRecord): Promise<void> {
  const input = asInput<SetUserPoolMfaConfigCommandInput>({ ...config, UserPoolId: poolId });
  await poolWrite(calls, 'mfa', 'SetUserPoolMfaConfig', poolId, () =>
    calls.client.send(new SetUserPoolMfaConfigCommand(input)),
  );
}

export async function createDomain(calls: CognitoCalls, poolId: string, domain: RawRecord): Promise<void> {
  const input = asInput<CreateUserPoolDomainCommandInput>({ ...domain, UserPoolId: poolId });
  await poolWrite(calls, 'domain', 'CreateUserPoolDomain', poolId, () =>
    calls.client.send(new CreateUserPoolDomainCommand(input)),
  );
}

export async function deleteDomain(calls: CognitoCalls, poolId: string, domain: string): Promise<void> {
  await entityWrite(calls, 'domain', 'DeleteUserPoolDomain', poolId, () =>
    calls.client.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain })),
  );
}

export async function setUiCustomization(
  calls: CognitoCalls,
  poolId: string,
  clientId: string | undefined,
  ui: { CSS?: string },
): Promise<void> {
  const input = { ...ui, UserPoolId: poolId, ...(clientId !== undefined ? { ClientId: clientId } : {}) };
  // A client id that does not exist is the client's ResourceNotFoundException, not the pool's.
  await entityWrite(calls, 'uiCustomization', 'SetUICustomization', poolId, () =>
    calls.client.send(new SetUICustomizationCommand(input)),
  );
}

export async function setRiskConfiguration(
  calls: CognitoCalls,
  poolId: string,
  config: RawRecord,
): Promise<void> {
  const input = asInput<SetRiskConfigurationCommandInput>({ ...config, UserPoolId: poolId });
  await entityWrite(calls, 'riskConfiguration', 'SetRiskConfiguration', poolId, () =>
    calls.client.send(new SetRiskConfigurationCommand(input)),
  );
}

/** The pool id in a user pool ARN (`arn:aws:cognito-idp:<region>:<account>:userpool/<id>`). */
const poolOfArn = (arn: string): string | undefined => /:userpool\/([^/]+)$/.exec(arn)?.[1];

export async function tagResource(
  calls: CognitoCalls,
  resourceArn: string,
  tags: Record<string, string>,
): Promise<void> {
  const site = { component: 'tags', operation: 'TagResource', poolId: poolOfArn(resourceArn) };
  await calls.call(site, () =>
    calls.client.send(new TagResourceCommand({ ResourceArn: resourceArn, Tags: { ...tags } })),
  );
}

/**
 * Whether the endpoint serves the tagging API at all, asked with its read (which changes nothing and
 * is no mutating CloudTrail event). Only an endpoint without the operation says no: any other answer
 * (access denied, throttling) leaves the tags planned, and apply reports what really happens.
 */
export async function servesTagging(calls: CognitoCalls, resourceArn: string): Promise<boolean> {
  try {
    await calls.call({ component: 'tags', operation: 'ListTagsForResource' }, () =>
      calls.client.send(new ListTagsForResourceCommand({ ResourceArn: resourceArn })),
    );
    return true;
  } catch (error) {
    return !(error instanceof ComponentUnsupportedError);
  }
}

export async function untagResource(
  calls: CognitoCalls,
  resourceArn: string,
  keys: readonly string[],
): Promise<void> {
  const site = { component: 'tags', operation: 'UntagResource', poolId: poolOfArn(resourceArn) };
  await calls.call(site, () =>
    calls.client.send(new UntagResourceCommand({ ResourceArn: resourceArn, TagKeys: [...keys] })),
  );
}
