import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type {
  CreateUserOptions,
  ProviderUser,
  RawRecord,
  RawUser,
  UserMfaPreference,
} from '../../model/raw.js';
import type { CognitoWriter } from '../../ports.js';
import { chooseClient, type SharedClientOptions } from './clientChoice.js';
import { CognitoCalls } from './cognitoCalls.js';
import * as pool from './poolWrites.js';
import * as resources from './resourceWrites.js';
import * as users from './userWrites.js';

export type AwsCognitoWriterOptions = SharedClientOptions;

/**
 * Writes a live user pool through the Cognito API, one SDK command per method, inputs passed through
 * as the port documents. A missing pool is PoolNotFoundError; throttling that outlasts the retries
 * CognitoThrottledError; an endpoint without the operation (cognito-local) ComponentUnsupportedError;
 * every other refusal keeps its Cognito exception name and message (UsernameExistsException, …).
 */
export class AwsCognitoWriter implements CognitoWriter {
  private readonly calls: CognitoCalls;
  private readonly ownsClient: boolean;

  /** `new AwsCognitoWriter(client)` shares a client; `new AwsCognitoWriter(options)` makes one. */
  constructor(client: CognitoIdentityProviderClient, options?: AwsCognitoWriterOptions);
  constructor(options?: AwsCognitoWriterOptions);
  constructor(
    clientOrOptions?: CognitoIdentityProviderClient | AwsCognitoWriterOptions,
    more?: AwsCognitoWriterOptions,
  ) {
    const { client, endpoint, owns } = chooseClient(clientOrOptions, more);
    this.calls = new CognitoCalls(client, endpoint, 60);
    this.ownsClient = owns;
  }

  /** Releases the sockets of a client the writer made itself. */
  close(): void {
    if (this.ownsClient) this.calls.client.destroy();
  }

  createUserPool(settings: RawRecord): Promise<{ poolId: string }> {
    return pool.createUserPool(this.calls, settings);
  }

  updateUserPool(poolId: string, settings: RawRecord): Promise<void> {
    return pool.updateUserPool(this.calls, poolId, settings);
  }

  setMfaConfig(poolId: string, config: RawRecord): Promise<void> {
    return pool.setMfaConfig(this.calls, poolId, config);
  }

  createGroup(poolId: string, group: RawRecord): Promise<void> {
    return resources.createGroup(this.calls, poolId, group);
  }

  updateGroup(poolId: string, group: RawRecord): Promise<void> {
    return resources.updateGroup(this.calls, poolId, group);
  }

  deleteGroup(poolId: string, groupName: string): Promise<void> {
    return resources.deleteGroup(this.calls, poolId, groupName);
  }

  createUser(
    poolId: string,
    username: string,
    attributes: Record<string, string>,
    options: CreateUserOptions,
  ): Promise<RawUser> {
    return users.createUser(this.calls, poolId, username, attributes, options);
  }

  updateUserAttributes(poolId: string, username: string, attributes: Record<string, string>): Promise<void> {
    return users.updateUserAttributes(this.calls, poolId, username, attributes);
  }

  deleteUserAttributes(poolId: string, username: string, names: readonly string[]): Promise<void> {
    return users.deleteUserAttributes(this.calls, poolId, username, names);
  }

  setUserEnabled(poolId: string, username: string, enabled: boolean): Promise<void> {
    return users.setUserEnabled(this.calls, poolId, username, enabled);
  }

  setUserMfaPreference(poolId: string, username: string, preference: UserMfaPreference): Promise<void> {
    return users.setUserMfaPreference(this.calls, poolId, username, preference);
  }

  deleteUser(poolId: string, username: string): Promise<void> {
    return users.deleteUser(this.calls, poolId, username);
  }

  addUserToGroup(poolId: string, username: string, groupName: string): Promise<void> {
    return users.addUserToGroup(this.calls, poolId, username, groupName);
  }

  removeUserFromGroup(poolId: string, username: string, groupName: string): Promise<void> {
    return users.removeUserFromGroup(this.calls, poolId, username, groupName);
  }

  linkProviderForUser(poolId: string, username: string, source: ProviderUser): Promise<void> {
    return users.linkProviderForUser(this.calls, poolId, username, source);
  }

  createClient(poolId: string, settings: RawRecord): Promise<{ clientId: string }> {
    return resources.createClient(this.calls, poolId, settings);
  }

  updateClient(poolId: string, clientId: string, settings: RawRecord): Promise<void> {
    return resources.updateClient(this.calls, poolId, clientId, settings);
  }

  deleteClient(poolId: string, clientId: string): Promise<void> {
    return resources.deleteClient(this.calls, poolId, clientId);
  }

  createIdentityProvider(poolId: string, provider: RawRecord): Promise<void> {
    return resources.createIdentityProvider(this.calls, poolId, provider);
  }

  updateIdentityProvider(poolId: string, provider: RawRecord): Promise<void> {
    return resources.updateIdentityProvider(this.calls, poolId, provider);
  }

  deleteIdentityProvider(poolId: string, providerName: string): Promise<void> {
    return resources.deleteIdentityProvider(this.calls, poolId, providerName);
  }

  createResourceServer(poolId: string, server: RawRecord): Promise<void> {
    return resources.createResourceServer(this.calls, poolId, server);
  }

  updateResourceServer(poolId: string, server: RawRecord): Promise<void> {
    return resources.updateResourceServer(this.calls, poolId, server);
  }

  deleteResourceServer(poolId: string, identifier: string): Promise<void> {
    return resources.deleteResourceServer(this.calls, poolId, identifier);
  }

  createDomain(poolId: string, domain: RawRecord): Promise<void> {
    return pool.createDomain(this.calls, poolId, domain);
  }

  deleteDomain(poolId: string, domain: string): Promise<void> {
    return pool.deleteDomain(this.calls, poolId, domain);
  }

  setUiCustomization(poolId: string, clientId: string | undefined, ui: { CSS?: string }): Promise<void> {
    return pool.setUiCustomization(this.calls, poolId, clientId, ui);
  }

  setRiskConfiguration(poolId: string, config: RawRecord): Promise<void> {
    return pool.setRiskConfiguration(this.calls, poolId, config);
  }

  tagResource(resourceArn: string, tags: Record<string, string>): Promise<void> {
    return pool.tagResource(this.calls, resourceArn, tags);
  }

  untagResource(resourceArn: string, keys: readonly string[]): Promise<void> {
    return pool.untagResource(this.calls, resourceArn, keys);
  }

  async unwritable(poolArn: string): Promise<readonly string[]> {
    return (await pool.servesTagging(this.calls, poolArn)) ? [] : ['tags'];
  }
}
