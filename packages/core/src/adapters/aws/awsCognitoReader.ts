import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { EntityGoneError, RewindError } from '../../errors.js';
import type { RawRecord, RawUser, RawUserMfa } from '../../model/raw.js';
import type { CognitoReader } from '../../ports.js';
import { chooseClient, type SharedClientOptions } from './clientChoice.js';
import { CognitoCalls } from './cognitoCalls.js';
import {
  describeClient,
  describeIdentityProvider,
  describeResourceServer,
  findUsernameBySub,
  getGroup,
  getUser,
  listGroupsForUser,
  mfaOf,
} from './entityReads.js';
import {
  describeDomain,
  getRiskConfiguration,
  getUiCustomization,
  listIdentityProviders,
  listResourceServers,
  listTags,
} from './optionalReads.js';
import { paginate, plain } from './paginate.js';

export interface AwsCognitoReaderOptions extends SharedClientOptions {
  /** Items asked for per page; Cognito's maximum (60, 50 for resource servers) caps it. @default 60 */
  readonly pageSize?: number;
}

/** Reads a user pool through the Cognito API, one component at a time, following every page. */
export class AwsCognitoReader implements CognitoReader {
  private readonly calls: CognitoCalls;
  private readonly ownsClient: boolean;

  /** `new AwsCognitoReader(client, { pageSize })` shares a client; `new AwsCognitoReader(options)` makes one. */
  constructor(client: CognitoIdentityProviderClient, options?: AwsCognitoReaderOptions);
  constructor(options?: AwsCognitoReaderOptions);
  constructor(
    clientOrOptions?: CognitoIdentityProviderClient | AwsCognitoReaderOptions,
    more?: AwsCognitoReaderOptions,
  ) {
    const { client, endpoint, owns, options } = chooseClient(clientOrOptions, more);
    const pageSize = Math.max(1, Math.floor(options.pageSize ?? 60));
    this.calls = new CognitoCalls(client, endpoint, pageSize);
    this.ownsClient = owns;
  }

  /** Releases the sockets of a client the reader made itself. */
  close(): void {
    if (this.ownsClient) this.calls.client.destroy();
  }

  async describeUserPool(poolId: string): Promise<RawRecord> {
    const out = await this.calls.call({ component: 'pool', operation: 'DescribeUserPool', poolId }, () =>
      this.calls.client.send(new DescribeUserPoolCommand({ UserPoolId: poolId })),
    );
    return plain(out.UserPool ?? {});
  }

  async getMfaConfig(poolId: string): Promise<RawRecord> {
    const out = await this.calls.call({ component: 'mfa', operation: 'GetUserPoolMfaConfig', poolId }, () =>
      this.calls.client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId })),
    );
    return plain(out);
  }

  async *listClients(poolId: string): AsyncIterable<RawRecord> {
    const site = { component: 'clients', operation: 'ListUserPoolClients', poolId };
    const summaries = this.calls.pages(site, async (NextToken) => {
      const MaxResults = this.calls.page(60);
      const out = await this.calls.client.send(
        new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults, NextToken }),
      );
      return { items: out.UserPoolClients, next: out.NextToken };
    });
    for await (const { ClientId } of summaries) {
      if (ClientId === undefined) continue;
      // A client deleted since its page was listed no longer exists: skipped, not an error.
      const client = await describeClient(this.calls, poolId, ClientId);
      if (client !== undefined) yield client;
    }
  }

  async *listGroups(poolId: string): AsyncIterable<RawRecord> {
    const site = { component: 'groups', operation: 'ListGroups', poolId };
    const groups = this.calls.pages(site, async (NextToken) => {
      const out = await this.calls.client.send(
        new ListGroupsCommand({ UserPoolId: poolId, Limit: this.calls.page(60), NextToken }),
      );
      return { items: out.Groups, next: out.NextToken };
    });
    for await (const group of groups) yield plain(group);
  }

  listUsers(poolId: string): AsyncIterable<RawUser> {
    return this.calls.pages({ component: 'users', operation: 'ListUsers', poolId }, (token) =>
      this.fetchUsersPage(poolId, token),
    );
  }

  async listUsersPage(poolId: string, token?: string): Promise<{ users: RawUser[]; next?: string }> {
    const site = { component: 'users', operation: 'ListUsers', poolId };
    const page = await this.calls.call(site, () => this.fetchUsersPage(poolId, token));
    // A token handed back unchanged would read the same page forever; taking it as the end would
    // hide every user after it (a reconcile would record them deleted).
    if (page.next !== undefined && page.next !== '' && page.next === token)
      throw new RewindError('ListUsers returned the same pagination token twice; stopping');
    const next = page.next === '' ? undefined : page.next;
    return { users: [...(page.items ?? [])], ...(next === undefined ? {} : { next }) };
  }

  private async fetchUsersPage(poolId: string, PaginationToken: string | undefined) {
    const Limit = this.calls.page(60);
    const out = await this.calls.client.send(
      new ListUsersCommand({ UserPoolId: poolId, Limit, PaginationToken }),
    );
    return { items: out.Users, next: out.PaginationToken };
  }

  async *listUsersInGroup(poolId: string, groupName: string): AsyncIterable<string> {
    const site = { component: 'groups', operation: 'ListUsersInGroup' };
    const users = paginate(site.operation, async (NextToken) => {
      const input = { UserPoolId: poolId, GroupName: groupName, Limit: this.calls.page(60), NextToken };
      // A group deleted since ListGroups (or while paging) is gone, not empty: a partial member list
      // would be a state that never was, so the caller is told and drops the group.
      const out = await this.calls.callUnlessGone(site, poolId, () =>
        this.calls.client.send(new ListUsersInGroupCommand(input)),
      );
      if (out === undefined) throw new EntityGoneError(`group:${groupName}`);
      return { items: out.Users, next: out.NextToken };
    });
    for await (const { Username } of users) if (Username !== undefined) yield Username;
  }

  async getUserMfa(poolId: string, username: string): Promise<RawUserMfa | undefined> {
    // A ResourceNotFoundException here can only be the pool's; a user deleted since ListUsers is
    // UserNotFoundException, and has no MFA settings to back up.
    const site = { component: 'userMfa', operation: 'AdminGetUser', poolId };
    const out = await this.calls.callOrAbsent(site, ['UserNotFoundException'], () =>
      this.calls.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })),
    );
    return out === undefined ? undefined : mfaOf(out);
  }

  listIdentityProviders(poolId: string): AsyncIterable<RawRecord> {
    return listIdentityProviders(this.calls, poolId);
  }

  listResourceServers(poolId: string): AsyncIterable<RawRecord> {
    return listResourceServers(this.calls, poolId);
  }

  describeDomain(domain: string): Promise<RawRecord | undefined> {
    return describeDomain(this.calls, domain);
  }

  getUiCustomization(poolId: string, clientId?: string): Promise<RawRecord | undefined> {
    return getUiCustomization(this.calls, poolId, clientId);
  }

  getRiskConfiguration(poolId: string): Promise<RawRecord | undefined> {
    return getRiskConfiguration(this.calls, poolId);
  }

  listTags(resourceArn: string): Promise<Record<string, string>> {
    return listTags(this.calls, resourceArn);
  }

  getUser(poolId: string, username: string): Promise<(RawUser & RawUserMfa) | undefined> {
    return getUser(this.calls, poolId, username);
  }

  findUsernameBySub(poolId: string, sub: string): Promise<string | undefined> {
    return findUsernameBySub(this.calls, poolId, sub);
  }

  listGroupsForUser(poolId: string, username: string): Promise<string[] | undefined> {
    return listGroupsForUser(this.calls, poolId, username);
  }

  getGroup(poolId: string, groupName: string): Promise<RawRecord | undefined> {
    return getGroup(this.calls, poolId, groupName);
  }

  describeClient(poolId: string, clientId: string): Promise<RawRecord | undefined> {
    return describeClient(this.calls, poolId, clientId);
  }

  describeIdentityProvider(poolId: string, providerName: string): Promise<RawRecord | undefined> {
    return describeIdentityProvider(this.calls, poolId, providerName);
  }

  describeResourceServer(poolId: string, identifier: string): Promise<RawRecord | undefined> {
    return describeResourceServer(this.calls, poolId, identifier);
  }
}
