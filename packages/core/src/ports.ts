import type { ChangeRecord } from './changes/changeRecord.js';
import type { EntityKey } from './model/entityKey.js';
import type { RawRecord, RawUser, RawUserMfa } from './model/raw.js';

/** Where "now" comes from. Core never reads the system clock itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface BlobInfo {
  key: string;
  bytes: number;
}

export type Bytes = Uint8Array;
export type ByteSource = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Write-once object storage (S3, a directory). Keys are `/`-separated paths. A put to an existing key
 * fails with `BlobExistsError`, so nothing is ever silently overwritten; a missing key fails with
 * `BlobNotFoundError`. Bodies stream in both directions so memory does not grow with object size.
 */
export interface BlobStore {
  put(key: string, body: ByteSource, options?: { contentType?: string }): Promise<BlobInfo>;
  get(key: string): Promise<AsyncIterable<Uint8Array>>;
  exists(key: string): Promise<boolean>;
  /** Every blob under `prefix`, in ascending key order, following all pages. */
  list(prefix: string): AsyncIterable<BlobInfo>;
}

export interface TimeRange {
  /** Exclusive lower bound on `validFrom` (ISO-8601). */
  after?: string;
  /** Inclusive upper bound on `validFrom` (ISO-8601). */
  upTo?: string;
}

/**
 * The append-only change log. Each entity is a stream keyed by version; `append` is a conditional put
 * that fails with `VersionConflictError` when the version is taken, so two concurrent writers of one
 * entity never lose an update.
 */
export interface ChangeLog {
  append(record: ChangeRecord): Promise<void>;
  /** The newest record of an entity (strongly consistent), or undefined. */
  head(poolId: string, entity: EntityKey): Promise<ChangeRecord | undefined>;
  /** All records of one entity in version order. */
  entityHistory(poolId: string, entity: EntityKey): AsyncIterable<ChangeRecord>;
  /** The pool-wide timeline: records whose validFrom falls in the range, ordered by (validFrom, id). */
  timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord>;
}

/**
 * Reads a user pool, one component at a time, following every pagination token. Optional components
 * the endpoint does not implement throw `ComponentUnsupportedError`; a missing pool throws
 * `PoolNotFoundError`; an endpoint that cannot be reached throws `EndpointUnreachableError`.
 */
export interface CognitoReader {
  describeUserPool(poolId: string): Promise<RawRecord>;
  getMfaConfig(poolId: string): Promise<RawRecord>;
  /**
   * Each client fully described (DescribeUserPoolClient), secret included: the domain drops it.
   * Entities deleted between a list page and their describe call are skipped, not errors.
   */
  listClients(poolId: string): AsyncIterable<RawRecord>;
  listGroups(poolId: string): AsyncIterable<RawRecord>;
  listUsers(poolId: string): AsyncIterable<RawUser>;
  /** Usernames of one group's members; `EntityGoneError` if the group was deleted since it was listed. */
  listUsersInGroup(poolId: string, groupName: string): AsyncIterable<string>;
  /** MFA settings of one user (AdminGetUser); undefined when the user no longer exists. */
  getUserMfa(poolId: string, username: string): Promise<RawUserMfa | undefined>;
  /** Each provider fully described (DescribeIdentityProvider). */
  listIdentityProviders(poolId: string): AsyncIterable<RawRecord>;
  listResourceServers(poolId: string): AsyncIterable<RawRecord>;
  /** DescribeUserPoolDomain for the pool's domain; undefined when the domain does not exist. */
  describeDomain(domain: string): Promise<RawRecord | undefined>;
  /** GetUICustomization for one client, or the pool default when clientId is undefined. */
  getUiCustomization(poolId: string, clientId?: string): Promise<RawRecord | undefined>;
  getRiskConfiguration(poolId: string): Promise<RawRecord | undefined>;
  listTags(resourceArn: string): Promise<Record<string, string>>;
}

/** Applies a restore plan to a live pool. Only the interface exists so far: restore arrives later. */
export interface CognitoWriter {
  createGroup(poolId: string, group: RawRecord): Promise<void>;
  updateGroup(poolId: string, group: RawRecord): Promise<void>;
  deleteGroup(poolId: string, groupName: string): Promise<void>;
  createUser(poolId: string, user: RawUser, options: { suppressMessages: boolean }): Promise<void>;
  updateUserAttributes(poolId: string, username: string, attributes: Record<string, string>): Promise<void>;
  setUserEnabled(poolId: string, username: string, enabled: boolean): Promise<void>;
  deleteUser(poolId: string, username: string): Promise<void>;
  addUserToGroup(poolId: string, username: string, groupName: string): Promise<void>;
  removeUserFromGroup(poolId: string, username: string, groupName: string): Promise<void>;
  updateUserPool(poolId: string, settings: RawRecord): Promise<void>;
}
