import { ComponentUnsupportedError } from '../errors.js';
import {
  canonicalClient,
  canonicalComponent,
  canonicalGroup,
  canonicalIdentityProvider,
  canonicalMfa,
  canonicalPool,
  canonicalUser,
} from '../model/canonical.js';
import { type EntityKey, parseEntityKey } from '../model/entityKey.js';
import { canonicalObject, type JsonObject } from '../model/json.js';
import type { RawRecord } from '../model/raw.js';
import type { CognitoReader } from '../ports.js';

/** Paces each read by its Cognito operation. */
export type Paced = <T>(operation: string, call: () => Promise<T>) => Promise<T>;

export interface LiveRead {
  reader: CognitoReader;
  poolId: string;
  arn: string | undefined;
  paced: Paced;
  /** Whether user documents carry MFA settings (as the backup that planned the restore read them). */
  userMfa: boolean;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * One entity of the live pool, read just now in the canonical form a backup gives it (null: it does
 * not exist). A restore re-reads each entity before changing it, and again after, for the change log.
 */
export async function readLiveEntity(read: LiveRead, key: EntityKey): Promise<JsonObject | null> {
  const { reader, poolId, paced } = read;
  const { kind, id = '' } = parseEntityKey(key);
  switch (kind) {
    case 'user': {
      const raw = await paced('AdminGetUser', () => reader.getUser(poolId, id));
      if (raw === undefined) return null;
      const groups = await paced('AdminListGroupsForUser', () => reader.listGroupsForUser(poolId, id));
      return canonicalUser(raw, groups ?? [], read.userMfa ? raw : undefined);
    }
    case 'group':
      return orNull(await paced('GetGroup', () => reader.getGroup(poolId, id)), canonicalGroup);
    case 'client':
      return orNull(
        await paced('DescribeUserPoolClient', () => reader.describeClient(poolId, id)),
        canonicalClient,
      );
    case 'idp':
      return orNull(
        await paced('DescribeIdentityProvider', () => reader.describeIdentityProvider(poolId, id)),
        canonicalIdentityProvider,
      );
    case 'resourceServer':
      return orNull(
        await paced('DescribeResourceServer', () => reader.describeResourceServer(poolId, id)),
        canonicalComponent,
      );
    case 'pool': {
      const { UserPoolTags: _tags, ...settings } = await paced('DescribeUserPool', () =>
        reader.describeUserPool(poolId),
      );
      return canonicalPool(settings);
    }
    case 'mfa':
      return canonicalMfa(await paced('GetUserPoolMfaConfig', () => reader.getMfaConfig(poolId)));
    case 'domain':
      return readDomain(read);
    case 'ui': {
      const clientId = id === 'ALL' ? undefined : id;
      const ui = await paced('GetUICustomization', () => reader.getUiCustomization(poolId, clientId));
      const own = clientId === undefined || ui?.ClientId === undefined || ui.ClientId === clientId;
      return ui !== undefined && own ? canonicalComponent(ui) : null;
    }
    case 'riskConfiguration':
      return orNull(
        await paced('DescribeRiskConfiguration', () => reader.getRiskConfiguration(poolId)),
        canonicalComponent,
      );
    case 'tags':
      return readTags(read);
  }
}

/** ListTagsForResource, or the pool's `UserPoolTags` where the endpoint lacks it (as a full read does). */
async function readTags(read: LiveRead): Promise<JsonObject | null> {
  const arn = read.arn;
  if (arn === undefined) return null;
  try {
    return canonicalObject(await read.paced('ListTagsForResource', () => read.reader.listTags(arn)));
  } catch (error) {
    if (!(error instanceof ComponentUnsupportedError)) throw error;
  }
  const pool = await read.paced('DescribeUserPool', () => read.reader.describeUserPool(read.poolId));
  return canonicalObject(pool.UserPoolTags ?? {});
}

const orNull = (raw: RawRecord | undefined, canonical: (raw: RawRecord) => JsonObject): JsonObject | null =>
  raw === undefined ? null : canonical(raw);

async function readDomain(read: LiveRead): Promise<JsonObject | null> {
  const pool = await read.paced('DescribeUserPool', () => read.reader.describeUserPool(read.poolId));
  const described: RawRecord = {};
  for (const domain of [str(pool.Domain), str(pool.CustomDomain)]) {
    if (domain === undefined) continue;
    const description = await read.paced('DescribeUserPoolDomain', () => read.reader.describeDomain(domain));
    if (description !== undefined) described[domain] = description;
  }
  return Object.keys(described).length > 0 ? canonicalObject(described) : null;
}
