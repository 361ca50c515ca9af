import { groupNotFound, poolNotFound, userNotFound } from './errors.js';
import type { IdSource } from './ids.js';
import type { JsonObject } from './input.js';
import { KeyedCollection } from './keyedCollection.js';
import { userByAddress } from './usernameAttributes.js';

export interface UserRecord {
  /** As created; lookups go through `userKey`, which folds case in case-insensitive pools. */
  username: string;
  /** Generated at creation and never changed. */
  sub: string;
  /** Every attribute but `sub`, in the order they were set. */
  attributes: Map<string, string>;
  enabled: boolean;
  status: string;
  created: Date;
  modified: Date;
  preferredMfa: string | undefined;
  mfaMethods: string[];
  /** Keys of the groups the user is in. */
  groups: Set<string>;
}

export interface GroupRecord {
  name: string;
  description: string | undefined;
  precedence: number | undefined;
  roleArn: string | undefined;
  created: Date;
  modified: Date;
  /** User key → user key, for listing members in order. */
  members: KeyedCollection<string>;
}

export interface PoolRecord {
  id: string;
  arn: string;
  created: Date;
  modified: Date;
  /** The settable UserPool fields (Name, Policies, LambdaConfig…), as DescribeUserPool shows them. */
  settings: JsonObject;
  schema: JsonObject[];
  caseSensitive: boolean;
  /** GetUserPoolMfaConfig's shape. */
  mfa: JsonObject;
  users: KeyedCollection<UserRecord>;
  /** sub → user key. */
  subs: Map<string, string>;
  groups: KeyedCollection<GroupRecord>;
  clients: KeyedCollection<JsonObject>;
  identityProviders: KeyedCollection<JsonObject>;
  resourceServers: KeyedCollection<JsonObject>;
  domain: string | undefined;
  /** UICustomization by client id, `ALL` for the pool default. */
  ui: Map<string, JsonObject>;
  /** RiskConfiguration by client id, `ALL` for the pool. */
  risk: Map<string, JsonObject>;
  tags: Record<string, string>;
}

/** Everything the fake knows. Operations read and change it; nothing else holds state. */
export class FakeState {
  readonly pools = new Map<string, PoolRecord>();
  /** DomainDescription by domain: domains are global, not per pool. */
  readonly domains = new Map<string, JsonObject>();

  constructor(
    readonly ids: IdSource,
    readonly now: () => Date,
    readonly region = 'us-east-1',
    readonly accountId = '000000000000',
  ) {}

  pool(poolId: string): PoolRecord {
    const pool = this.pools.get(poolId);
    if (pool === undefined) throw poolNotFound(poolId);
    return pool;
  }

  poolByArn(arn: string): PoolRecord | undefined {
    for (const pool of this.pools.values()) if (pool.arn === arn) return pool;
    return undefined;
  }

  /** A user by its username or, in a pool with `UsernameAttributes`, by its email or phone number. */
  user(pool: PoolRecord, username: string): UserRecord {
    const user = pool.users.get(userKey(pool, username)) ?? userByAddress(pool, username);
    if (user === undefined) throw userNotFound();
    return user;
  }

  group(pool: PoolRecord, name: string): GroupRecord {
    const group = pool.groups.get(name);
    if (group === undefined) throw groupNotFound();
    return group;
  }
}

export const userKey = (pool: PoolRecord, username: string): string =>
  pool.caseSensitive ? username : username.toLowerCase();

export function newPoolRecord(id: string, arn: string, now: Date): PoolRecord {
  return {
    id,
    arn,
    created: now,
    modified: now,
    settings: {},
    schema: [],
    caseSensitive: true,
    mfa: { MfaConfiguration: 'OFF' },
    users: new KeyedCollection(),
    subs: new Map(),
    groups: new KeyedCollection(),
    clients: new KeyedCollection(),
    identityProviders: new KeyedCollection(),
    resourceServers: new KeyedCollection(),
    domain: undefined,
    ui: new Map(),
    risk: new Map(),
    tags: {},
  };
}
