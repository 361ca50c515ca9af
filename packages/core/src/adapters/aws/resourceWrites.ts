import {
  CreateGroupCommand,
  type CreateGroupCommandInput,
  CreateIdentityProviderCommand,
  type CreateIdentityProviderCommandInput,
  CreateResourceServerCommand,
  type CreateResourceServerCommandInput,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  DeleteGroupCommand,
  DeleteIdentityProviderCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolClientCommand,
  UpdateGroupCommand,
  type UpdateGroupCommandInput,
  UpdateIdentityProviderCommand,
  type UpdateIdentityProviderCommandInput,
  UpdateResourceServerCommand,
  type UpdateResourceServerCommandInput,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { RewindError } from '../../errors.js';
import type { RawRecord } from '../../model/raw.js';
import type { CognitoCalls } from './cognitoCalls.js';
import { asInput, entityWrite, poolWrite } from './writeSites.js';

/** Writes to the named things a pool holds: groups, app clients, identity providers, resource servers. */

export async function createGroup(calls: CognitoCalls, poolId: string, group: RawRecord): Promise<void> {
  const input = asInput<CreateGroupCommandInput>({ ...group, UserPoolId: poolId });
  await poolWrite(calls, 'groups', 'CreateGroup', poolId, () =>
    calls.client.send(new CreateGroupCommand(input)),
  );
}

export async function updateGroup(calls: CognitoCalls, poolId: string, group: RawRecord): Promise<void> {
  const input = asInput<UpdateGroupCommandInput>({ ...group, UserPoolId: poolId });
  await entityWrite(calls, 'groups', 'UpdateGroup', poolId, () =>
    calls.client.send(new UpdateGroupCommand(input)),
  );
}

export async function deleteGroup(calls: CognitoCalls, poolId: string, groupName: string): Promise<void> {
  await entityWrite(calls, 'groups', 'DeleteGroup', poolId, () =>
    calls.client.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: groupName })),
  );
}

export async function createClient(
  calls: CognitoCalls,
  poolId: string,
  settings: RawRecord,
): Promise<{ clientId: string }> {
  const input = asInput<CreateUserPoolClientCommandInput>({ ...settings, UserPoolId: poolId });
  const out = await poolWrite(calls, 'clients', 'CreateUserPoolClient', poolId, () =>
    calls.client.send(new CreateUserPoolClientCommand(input)),
  );
  // Only the id leaves this function: the response also holds the new client's secret.
  const clientId = out.UserPoolClient?.ClientId;
  if (clientId === undefined)
    throw new RewindError('CreateUserPoolClient answered without the new client id');
  return { clientId };
}

export async function updateClient(
  calls: CognitoCalls,
  poolId: string,
  clientId: string,
  settings: RawRecord,
): Promise<void> {
  const input = asInput<UpdateUserPoolClientCommandInput>({
    ...settings,
    UserPoolId: poolId,
    ClientId: clientId,
  });
  await entityWrite(calls, 'clients', 'UpdateUserPoolClient', poolId, () =>
    calls.client.send(new UpdateUserPoolClientCommand(input)),
  );
}

export async function deleteClient(calls: CognitoCalls, poolId: string, clientId: string): Promise<void> {
  await entityWrite(calls, 'clients', 'DeleteUserPoolClient', poolId, () =>
    calls.client.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })),
  );
}

export async function createIdentityProvider(
  calls: CognitoCalls,
  poolId: string,
  provider: RawRecord,
): Promise<void> {
  const input = asInput<CreateIdentityProviderCommandInput>({ ...provider, UserPoolId: poolId });
  await poolWrite(calls, 'identityProviders', 'CreateIdentityProvider', poolId, () =>
    calls.client.send(new CreateIdentityProviderCommand(input)),
  );
}

export async function updateIdentityProvider(
  calls: CognitoCalls,
  poolId: string,
  provider: RawRecord,
): Promise<void> {
  const input = asInput<UpdateIdentityProviderCommandInput>({ ...provider, UserPoolId: poolId });
  await entityWrite(calls, 'identityProviders', 'UpdateIdentityProvider', poolId, () =>
    calls.client.send(new UpdateIdentityProviderCommand(input)),
  );
}

export async function deleteIdentityProvider(
  calls: CognitoCalls,
  poolId: string,
  providerName: string,
): Promise<void> {
  const input = { UserPoolId: poolId, ProviderName: providerName };
  await entityWrite(calls, 'identityProviders', 'DeleteIdentityProvider', poolId, () =>
    calls.client.send(new DeleteIdentityProviderCommand(input)),
  );
}

export async function createResourceServer(
  calls: CognitoCalls,
  poolId: string,
  server: RawRecord,
): Promise<void> {
  const input = asInput<CreateResourceServerCommandInput>({ ...server, UserPoolId: poolId });
  await poolWrite(calls, 'resourceServers', 'CreateResourceServer', poolId, () =>
    calls.client.send(new CreateResourceServerCommand(input)),
  );
}

export async function updateResourceServer(
  calls: CognitoCalls,
  poolId: string,
  server: RawRecord,
): Promise<void> {
  const input = asInput<UpdateResourceServerCommandInput>({ ...server, UserPoolId: poolId });
  await entityWrite(calls, 'resourceServers', 'UpdateResourceServer', poolId, () =>
    calls.client.send(new UpdateResourceServerCommand(input)),
  );
}

export async function deleteResourceServer(
  calls: CognitoCalls,
  poolId: string,
  identifier: string,
): Promise<void> {
  const input = { UserPoolId: poolId, Identifier: identifier };
  await entityWrite(calls, 'resourceServers', 'DeleteResourceServer', poolId, () =>
    calls.client.send(new DeleteResourceServerCommand(input)),
  );
}
