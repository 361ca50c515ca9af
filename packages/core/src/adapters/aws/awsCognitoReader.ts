import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  DescribeIdentityProviderCommand,
  DescribeRiskConfigurationCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  GetUICustomizationCommand,
  GetUserPoolMfaConfigCommand,
  ListGroupsCommand,
  ListIdentityProvidersCommand,
  ListResourceServersCommand,
  ListTagsForResourceCommand,
  ListUserPoolClientsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RawRecord, RawUser, RawUserMfa } from '../../model/raw.js';
import type { CognitoReader } from '../../ports.js';
import {
  type CognitoClientOptions,
  createCognitoClient,
  endpointLabel,
  endpointOfClient,
} from './cognitoClient.js';
import { type CallSite, mapCognitoError } from './mapCognitoError.js';
import { paginate, plain } from './paginate.js';

export interface AwsCognitoReaderOptions extends CognitoClientOptions {
  /** A client to share; without one the reader makes its own from the other options. */
  readonly client?: CognitoIdentityProviderClient;
  /** Items asked for per page; Cognito's maximum (60, 50 for resource servers) caps it. @default 60 */
  readonly pageSize?: number;
}

const isClient = (value: unknown): value is CognitoIdentityProviderClient =>
  typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function';

/** Reads a user pool through the Cognito API, one component at a time, following every page. */
export class AwsCognitoReader implements CognitoReader {
  private readonly client: CognitoIdentityProviderClient;
  private readonly ownsClient: boolean;
  private readonly endpoint: string;
  private readonly pageSize: number;

  /** `new AwsCognitoReader(client, { pageSize })` shares a client; `new AwsCognitoReader(options)` makes one. */
  constructor(client: CognitoIdentityProviderClient, options?: AwsCognitoReaderOptions);
  constructor(options?: AwsCognitoReaderOptions);
  constructor(
    clientOrOptions: CognitoIdentityProviderClient | AwsCognitoReaderOptions = {},
    more: AwsCognitoReaderOptions = {},
  ) {
    const given = isClient(clientOrOptions) ? clientOrOptions : undefined;
    const options = given === undefined ? (clientOrOptions as AwsCognitoReaderOptions) : more;
    const shared = given ?? options.client;
    this.client = shared ?? createCognitoClient(options);
    this.ownsClient = shared === undefined;
    this.endpoint =
      options.endpoint ?? (shared !== undefined ? endpointOfClient(shared) : undefined) ?? endpointLabel(options);
    this.pageSize = Math.max(1, Math.floor(options.pageSize ?? 60));
  }

  /** Releases the sockets of a client the reader made itself. */
  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  async describeUserPool(poolId: string): Promise<RawRecord> {
    const out = await this.call({ component: 'pool', operation: 'DescribeUserPool', poolId }, () =>
      this.client.send(new DescribeUserPoolCommand({ UserPoolId: poolId })),
    );
    return plain(out.UserPool ?? {});
  }

  async getMfaConfig(poolId: string): Promise<RawRecord> {
    const out = await this.call({ component: 'mfa', operation: 'GetUserPoolMfaConfig', poolId }, () =>
      this.client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId })),
    );
    return plain(out);
  }

  async *listClients(poolId: string): AsyncIterable<RawRecord> {
    const site = { component: 'clients', operation: 'ListUserPoolClients', poolId };
    const summaries = paginate(site.operation, async (NextToken) => {
      const out = await this.call(site, () =>
        this.client.send(
          new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: this.page(60), NextToken }),
        ),
      );
      return { items: out.UserPoolClients, next: out.NextToken };
    });
    for await (const summary of summaries) {
      const ClientId = summary.ClientId;
      if (ClientId === undefined) continue;
      const out = await this.call({ ...site, operation: 'DescribeUserPoolClient' }, () =>
        this.client.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId })),
      );
      if (out.UserPoolClient !== undefined) yield plain(out.UserPoolClient);
    }
  }

  async *listGroups(poolId: string): AsyncIterable<RawRecord> {
    const site = { component: 'groups', operation: 'ListGroups', poolId };
    const groups = paginate(site.operation, async (NextToken) => {
      const out = await this.call(site, () =>
        this.client.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: this.page(60), NextToken })),
      );
      return { items: out.Groups, next: out.NextToken };
    });
    for await (const group of groups) yield plain(group);
  }

  listUsers(poolId: string): AsyncIterable<RawUser> {
    const site = { component: 'users', operation: 'ListUsers', poolId };
    return paginate(site.operation, async (PaginationToken) => {
      const out = await this.call(site, () =>
        this.client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: this.page(60), PaginationToken })),
      );
      return { items: out.Users, next: out.PaginationToken };
    });
  }

  async *listUsersInGroup(poolId: string, groupName: string): AsyncIterable<string> {
    // A missing group also answers ResourceNotFoundException, so no PoolNotFoundError mapping here.
    const site = { component: 'groups', operation: 'ListUsersInGroup' };
    const users = paginate(site.operation, async (NextToken) => {
      const out = await this.call(site, () =>
        this.client.send(
          new ListUsersInGroupCommand({
            UserPoolId: poolId,
            GroupName: groupName,
            Limit: this.page(60),
            NextToken,
          }),
        ),
      );
      return { items: out.Users, next: out.NextToken };
    });
    for await (const user of users) if (user.Username !== undefined) yield user.Username;
  }

  async getUserMfa(poolId: string, username: string): Promise<RawUserMfa> {
    const out = await this.call({ component: 'userMfa', operation: 'AdminGetUser' }, () =>
      this.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })),
    );
    const mfa: RawUserMfa = {};
    if (out.PreferredMfaSetting !== undefined) mfa.PreferredMfaSetting = out.PreferredMfaSetting;
    if (out.UserMFASettingList !== undefined) mfa.UserMFASettingList = [...out.UserMFASettingList];
    return mfa;
  }

  async *listIdentityProviders(poolId: string): AsyncIterable<RawRecord> {
    const site = { component: 'identityProviders', operation: 'ListIdentityProviders', poolId };
    const providers = paginate(site.operation, async (NextToken) => {
      const out = await this.call(site, () =>
        this.client.send(
          new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: this.page(60), NextToken }),
        ),
      );
      return { items: out.Providers, next: out.NextToken };
    });
    for await (const provider of providers) {
      const ProviderName = provider.ProviderName;
      if (ProviderName === undefined) continue;
      const out = await this.call({ ...site, operation: 'DescribeIdentityProvider' }, () =>
        this.client.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName })),
      );
      if (out.IdentityProvider !== undefined) yield plain(out.IdentityProvider);
    }
  }

  async *listResourceServers(poolId: string): AsyncIterable<RawRecord> {
    const site = { component: 'resourceServers', operation: 'ListResourceServers', poolId };
    const servers = paginate(site.operation, async (NextToken) => {
      const out = await this.call(site, () =>
        this.client.send(
          new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: this.page(50), NextToken }),
        ),
      );
      return { items: out.ResourceServers, next: out.NextToken };
    });
    for await (const server of servers) yield plain(server);
  }

  async describeDomain(domain: string): Promise<RawRecord | undefined> {
    const out = await this.call({ component: 'domain', operation: 'DescribeUserPoolDomain' }, () =>
      this.client.send(new DescribeUserPoolDomainCommand({ Domain: domain })),
    );
    // An unknown domain answers with an empty DomainDescription rather than an error.
    const description = out.DomainDescription;
    if (description?.Domain === undefined && description?.Status === undefined) return undefined;
    return plain(description);
  }

  async getUiCustomization(poolId: string, clientId?: string): Promise<RawRecord | undefined> {
    const out = await this.call({ component: 'uiCustomization', operation: 'GetUICustomization' }, () =>
      this.client.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: clientId })),
    );
    const ui = out.UICustomization;
    // Nothing customised answers with an empty shape: there is nothing to back up.
    if (ui === undefined || (ui.CSS === undefined && ui.ImageUrl === undefined)) return undefined;
    return plain(ui);
  }

  async getRiskConfiguration(poolId: string): Promise<RawRecord | undefined> {
    const out = await this.call({ component: 'riskConfiguration', operation: 'DescribeRiskConfiguration' }, () =>
      this.client.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId })),
    );
    const risk = out.RiskConfiguration;
    const configured =
      risk?.CompromisedCredentialsRiskConfiguration !== undefined ||
      risk?.AccountTakeoverRiskConfiguration !== undefined ||
      risk?.RiskExceptionConfiguration !== undefined;
    return risk !== undefined && configured ? plain(risk) : undefined;
  }

  async listTags(resourceArn: string): Promise<Record<string, string>> {
    const out = await this.call({ component: 'tags', operation: 'ListTagsForResource' }, () =>
      this.client.send(new ListTagsForResourceCommand({ ResourceArn: resourceArn })),
    );
    return { ...(out.Tags ?? {}) };
  }

  private page(max: number): number {
    return Math.min(this.pageSize, max);
  }

  private async call<T>(site: CallSite, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw mapCognitoError(error, site, this.endpoint);
    }
  }
}
