import {
  COLLECTION_FIELD,
  type CollectionKind,
  compareKeys,
  type EntityKey,
  parseEntityKey,
} from './entityKey.js';
import type { JsonObject } from './json.js';

/**
 * Components the reader could not capture from this endpoint. They are named in every snapshot and
 * state so that "not captured" is never mistaken for "empty".
 */
export const OPTIONAL_COMPONENTS = [
  'mfa',
  'userMfa',
  'identityProviders',
  'resourceServers',
  'domain',
  'uiCustomization',
  'riskConfiguration',
  'tags',
] as const;
export type OptionalComponent = (typeof OPTIONAL_COMPONENTS)[number];

/**
 * One entity of pool state with where it stands in its change-log chain: `version` and `hash` of the
 * last record applied (0 and null = as first scanned, before any record).
 */
export interface EntityEntry {
  key: EntityKey;
  version: number;
  hash: string | null;
  doc: JsonObject;
  /** Fields whose value at that time is not known (changed to a value nobody observed); sorted. */
  unknown?: string[];
}

/** The canonical shape of a user entity. */
export interface UserDoc extends JsonObject {
  username: string;
  attributes: Record<string, string>;
  enabled: boolean;
  status: string;
  groups: string[];
  createdAt: string;
  modifiedAt: string;
}

/** The whole pool at one instant, as `restore-cli state` prints it. */
export interface PoolStateDocument {
  poolId: string;
  at: string;
  notCaptured: string[];
  pool: JsonObject | null;
  mfa: JsonObject | null;
  domain: JsonObject | null;
  riskConfiguration: JsonObject | null;
  tags: JsonObject | null;
  clients: Record<string, JsonObject>;
  groups: Record<string, JsonObject>;
  users: Record<string, JsonObject>;
  identityProviders: Record<string, JsonObject>;
  resourceServers: Record<string, JsonObject>;
  uiCustomization: Record<string, JsonObject>;
  /**
   * Per entity key, the fields (JSON pointers) whose value at `at` is not known: changed to a value
   * nobody observed. Their doc holds the last known value, if any. Absent when every field is known.
   */
  unknown?: Record<string, string[]>;
}

/** Builds the nested document from entities (in any order; output keys come out sorted). */
export function toPoolDocument(
  poolId: string,
  at: string,
  notCaptured: readonly string[],
  entities: Iterable<Pick<EntityEntry, 'key' | 'doc' | 'unknown'>>,
): PoolStateDocument {
  const document: PoolStateDocument = {
    poolId,
    at,
    notCaptured: [...notCaptured].sort(),
    pool: null,
    mfa: null,
    domain: null,
    riskConfiguration: null,
    tags: null,
    clients: {},
    groups: {},
    users: {},
    identityProviders: {},
    resourceServers: {},
    uiCustomization: {},
  };
  const sorted = [...entities].sort((a, b) => compareKeys(a.key, b.key));
  for (const { key, doc, unknown } of sorted) {
    if (unknown !== undefined && unknown.length > 0) {
      document.unknown ??= {};
      document.unknown[key] = [...unknown];
    }
    const { kind, id } = parseEntityKey(key);
    if (id === undefined) {
      (document as unknown as Record<string, JsonObject | null>)[kind] = doc;
    } else {
      const field = COLLECTION_FIELD[kind as CollectionKind] as keyof PoolStateDocument;
      (document[field] as Record<string, JsonObject>)[id] = doc;
    }
  }
  return document;
}

export type ComponentCounts = Record<string, number>;

/** Entity counts per kind, used in snapshot headers, manifests and summaries. */
export function countByKind(keys: Iterable<EntityKey>): ComponentCounts {
  const counts: ComponentCounts = {};
  for (const key of keys) {
    const { kind } = parseEntityKey(key);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
