import { ComponentUnsupportedError, EntityGoneError } from '../errors.js';
import {
  canonicalClient,
  canonicalComponent,
  canonicalGroup,
  canonicalIdentityProvider,
  canonicalMfa,
  canonicalPool,
  canonicalUser,
} from '../model/canonical.js';
import { compareKeys, type EntityKey, entityKey } from '../model/entityKey.js';
import { canonicalObject, type JsonObject } from '../model/json.js';
import type { OptionalComponent } from '../model/poolState.js';
import type { RawRecord, RawUserMfa } from '../model/raw.js';
import type { CognitoReader } from '../ports.js';

export interface ScannedEntity {
  key: EntityKey;
  doc: JsonObject;
}

export interface PoolScan {
  poolId: string;
  /** Sorted by key. */
  entities: ScannedEntity[];
  notCaptured: OptionalComponent[];
  /** Whether users' MFA settings were read (not when the pool's MFA is off, or not supported). */
  userMfaRead: boolean;
}

export type ScanProgress = (event: { component: string; count: number; total?: number }) => void;

export interface ReadPoolOptions {
  /**
   * Read each user's MFA settings (AdminGetUser, one call per user) when the pool's MFA is on. Jobs
   * that run unattended (the snapshot handler's first read, reconcile) pass false: per-user calls
   * spend small per-user budgets, and MFA preferences reach the log through capture instead.
   * @default true
   */
  userMfa?: boolean;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Reads every component of a pool through the reader and returns canonical entities. Optional
 * components the endpoint does not implement are listed in `notCaptured` instead of failing the
 * whole read or pretending they are empty.
 */
export async function readPoolState(
  reader: CognitoReader,
  poolId: string,
  onProgress: ScanProgress = () => {},
  { userMfa: readUserMfa = true }: ReadPoolOptions = {},
): Promise<PoolScan> {
  const settings = await readPoolSettings(reader, poolId, onProgress);
  const { entities, memberships, rawPool } = settings;
  const notCaptured = [...settings.notCaptured];
  const mfaInUse = settings.mfaMode !== 'OFF' && readUserMfa;
  const add = (key: EntityKey, doc: JsonObject) => entities.push({ key, doc });
  const userMfa = await readUsers(reader, poolId, rawPool, mfaInUse, memberships, add, onProgress);
  if (!userMfa) notCaptured.push('userMfa');
  entities.sort((a, b) => compareKeys(a.key, b.key));
  return {
    poolId,
    entities,
    notCaptured: [...new Set(notCaptured)].sort(),
    userMfaRead: mfaInUse && userMfa,
  };
}

/** Everything of a pool but its users: small, read whole. */
export interface PoolSettingsScan {
  /** Every entity except users, in reading order. */
  entities: ScannedEntity[];
  notCaptured: OptionalComponent[];
  /** Each member's groups (ListUsersInGroup per group), which user documents hold. */
  memberships: Map<string, string[]>;
  /** The pool's MFA mode (`OFF`, `ON`, `OPTIONAL`). */
  mfaMode: string;
  rawPool: RawRecord;
}

/**
 * Reads every component of a pool except its users, plus the group memberships user documents
 * need: what a full read holds whole. Users are read page by page by the caller.
 */
export async function readPoolSettings(
  reader: CognitoReader,
  poolId: string,
  onProgress: ScanProgress = () => {},
): Promise<PoolSettingsScan> {
  const entities: ScannedEntity[] = [];
  const notCaptured: OptionalComponent[] = [];
  const add = (key: EntityKey, doc: JsonObject) => entities.push({ key, doc });
  const optional = async (component: OptionalComponent, read: () => Promise<void>) => {
    try {
      await read();
    } catch (error) {
      if (!(error instanceof ComponentUnsupportedError)) throw error;
      notCaptured.push(component);
    }
  };

  const rawPool = await reader.describeUserPool(poolId);
  const { UserPoolTags, ...poolSettings } = rawPool;
  add('pool', canonicalPool(poolSettings));
  onProgress({ component: 'pool', count: 1 });

  let mfaMode = str(rawPool.MfaConfiguration) ?? 'OFF';
  await optional('mfa', async () => {
    const mfa = await reader.getMfaConfig(poolId);
    mfaMode = str(mfa.MfaConfiguration) ?? mfaMode;
    add('mfa', canonicalMfa(mfa));
  });

  const clientIds = await readClients(reader, poolId, add, onProgress);
  const memberships = await readGroups(reader, poolId, add, onProgress);
  await readOptionalComponents(reader, poolId, rawPool, clientIds, add, optional);
  add('tags', await readTags(reader, rawPool, UserPoolTags));
  return { entities, notCaptured, memberships, mfaMode, rawPool };
}

async function readGroups(
  reader: CognitoReader,
  poolId: string,
  add: (key: EntityKey, doc: JsonObject) => void,
  onProgress: ScanProgress,
): Promise<Map<string, string[]>> {
  const memberships = new Map<string, string[]>();
  let groups = 0;
  for await (const group of reader.listGroups(poolId)) {
    const name = str(group.GroupName);
    if (name === undefined) continue;
    const members = await membersOf(reader, poolId, name);
    if (members === undefined) continue;
    add(entityKey('group', name), canonicalGroup(group));
    for (const username of members) {
      const list = memberships.get(username) ?? [];
      list.push(name);
      memberships.set(username, list);
    }
    onProgress({ component: 'groups', count: ++groups });
  }
  return memberships;
}

/** One paginated ListUsersInGroup per group, never one call per user; undefined: deleted meanwhile. */
async function membersOf(
  reader: CognitoReader,
  poolId: string,
  group: string,
): Promise<string[] | undefined> {
  const members: string[] = [];
  try {
    for await (const username of reader.listUsersInGroup(poolId, group)) members.push(username);
  } catch (error) {
    if (error instanceof EntityGoneError) return undefined;
    throw error;
  }
  return members;
}

async function readOptionalComponents(
  reader: CognitoReader,
  poolId: string,
  rawPool: RawRecord,
  clientIds: readonly string[],
  add: (key: EntityKey, doc: JsonObject) => void,
  optional: (component: OptionalComponent, read: () => Promise<void>) => Promise<void>,
): Promise<void> {
  await optional('identityProviders', async () => {
    for await (const idp of reader.listIdentityProviders(poolId)) {
      const name = str(idp.ProviderName);
      if (name !== undefined) add(entityKey('idp', name), canonicalIdentityProvider(idp));
    }
  });
  await optional('resourceServers', async () => {
    for await (const server of reader.listResourceServers(poolId)) {
      const id = str(server.Identifier);
      if (id !== undefined) add(entityKey('resourceServer', id), canonicalComponent(server));
    }
  });
  const domains = [str(rawPool.Domain), str(rawPool.CustomDomain)].filter(
    (d): d is string => d !== undefined,
  );
  await optional('domain', async () => {
    const described: RawRecord = {};
    for (const domain of domains) {
      const description = await reader.describeDomain(domain);
      if (description !== undefined) described[domain] = description;
    }
    if (Object.keys(described).length > 0) add('domain', canonicalObject(described));
  });
  // UI customization only exists for pools with a hosted-UI domain.
  if (domains.length > 0) {
    await optional('uiCustomization', async () => {
      for (const clientId of [undefined, ...clientIds]) {
        const ui = await reader.getUiCustomization(poolId, clientId);
        // A client without its own customization answers with the pool's (ClientId "ALL"): not its own.
        const own = clientId === undefined || ui?.ClientId === undefined || ui.ClientId === clientId;
        if (ui !== undefined && own) add(entityKey('ui', clientId ?? 'ALL'), canonicalComponent(ui));
      }
    });
  }
  await optional('riskConfiguration', async () => {
    const risk = await reader.getRiskConfiguration(poolId);
    if (risk !== undefined) add('riskConfiguration', canonicalComponent(risk));
  });
}

/** ListTagsForResource is authoritative; endpoints without it still report tags in DescribeUserPool. */
async function readTags(reader: CognitoReader, rawPool: RawRecord, fallback: unknown): Promise<JsonObject> {
  const arn = str(rawPool.Arn);
  if (arn !== undefined) {
    try {
      return canonicalObject(await reader.listTags(arn));
    } catch (error) {
      if (!(error instanceof ComponentUnsupportedError)) throw error;
    }
  }
  return canonicalObject(fallback ?? {});
}

/**
 * Reads each user's MFA settings (AdminGetUser, one call per user: Cognito lists no MFA settings).
 * With MFA off no user can have any, so nothing is read; an endpoint without them is asked only once.
 */
function userMfaReader(reader: CognitoReader, poolId: string, mfaInUse: boolean) {
  const state = { active: mfaInUse, supported: true };
  return {
    get supported() {
      return state.supported;
    },
    /** `gone`: the user was deleted after ListUsers listed it. */
    async read(username: string): Promise<{ gone: boolean; settings?: RawUserMfa }> {
      if (!state.active) return { gone: false };
      try {
        const settings = await reader.getUserMfa(poolId, username);
        return settings === undefined ? { gone: true } : { gone: false, settings };
      } catch (error) {
        if (!(error instanceof ComponentUnsupportedError)) throw error;
        state.active = false;
        state.supported = false;
        return { gone: false };
      }
    },
  };
}

/** Users with their memberships; returns false when the endpoint cannot say which MFA they use. */
async function readUsers(
  reader: CognitoReader,
  poolId: string,
  rawPool: RawRecord,
  mfaInUse: boolean,
  memberships: ReadonlyMap<string, string[]>,
  add: (key: EntityKey, doc: JsonObject) => void,
  onProgress: ScanProgress,
): Promise<boolean> {
  const mfa = userMfaReader(reader, poolId, mfaInUse);
  let users = 0;
  const estimate =
    typeof rawPool.EstimatedNumberOfUsers === 'number' ? rawPool.EstimatedNumberOfUsers : undefined;
  for await (const user of reader.listUsers(poolId)) {
    const username = user.Username;
    if (username === undefined) continue;
    const { gone, settings } = await mfa.read(username);
    if (gone) continue;
    add(entityKey('user', username), canonicalUser(user, memberships.get(username) ?? [], settings));
    onProgress({
      component: 'users',
      count: ++users,
      ...(estimate === undefined ? {} : { total: estimate }),
    });
  }
  return mfa.supported;
}

async function readClients(
  reader: CognitoReader,
  poolId: string,
  add: (key: EntityKey, doc: JsonObject) => void,
  onProgress: ScanProgress,
): Promise<string[]> {
  const clientIds: string[] = [];
  for await (const client of reader.listClients(poolId)) {
    const id = str(client.ClientId);
    if (id === undefined) continue;
    clientIds.push(id);
    add(entityKey('client', id), canonicalClient(client));
    onProgress({ component: 'clients', count: clientIds.length });
  }
  return clientIds;
}
