import type { ChangeRecord } from './changes/changeRecord.js';
import type { DamageSummary, JournalDamage } from './changes/journalDamage.js';
import type { AppendOutcome, LogPosition, TimeRange } from './changes/logPosition.js';
import type { Checkpoint } from './checkpoints/checkpoint.js';
import type { BlobInfo, ByteSource } from './model/blob.js';
import type { EntityKey } from './model/entityKey.js';
import type { JsonObject } from './model/json.js';
import type {
  CreateUserOptions,
  ProviderUser,
  RawRecord,
  RawUser,
  RawUserMfa,
  UserMfaPreference,
} from './model/raw.js';
import type { JournalEntry } from './model/restoreJournalEntry.js';
import type { SnapshotManifest } from './model/snapshotFormat.js';
import type { TrailEntry, TrailPage, TrailQuery } from './trail/trailEntry.js';

/**
 * Where "now" comes from. Core never reads the system clock itself. A store's times are compared across
 * machines (positions are times: see `ChangeLog.position`), so the AWS store's clock is the services'
 * time, not the local one (`clock/serviceClock.ts`); a directory store has only the local machine's.
 */
export interface Clock {
  now(): Date;
  /**
   * Resolves once `now()` can be trusted for times other machines compare against, and rejects with
   * `ClockSkewError` when it cannot be. Writers of such times (an append's stamp, a position) await it
   * first. Absent: the clock is always trusted (the system clock of a directory store, a test's clock).
   */
  ready?(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

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

/**
 * The append-only change log. Each entity is a stream keyed by version, and what every adapter
 * guarantees is pinned down by the shared contract suite (the testkit's `contracts/changeLog.contract.ts`):
 *
 * - **Times.** Every stored time (`validFrom`, `observedAt`, range bounds) is canonical:
 *   `YYYY-MM-DDTHH:mm:ss.sssZ`, UTC, milliseconds always present — what `Date#toISOString` writes. In
 *   that one format string order is time order, so stores can sort and compare times as strings.
 *   `append` refuses a record whose times are not canonical.
 * - **Keys.** Entity keys are any string (`/`, `#`, `~`, spaces, any Unicode). Wherever keys are
 *   listed in order, the order is UTF-8 byte order (`compareKeys`), as S3 and DynamoDB sort.
 * - **Consistency.** `append`, `head` and `entityHistory` of one entity are strongly consistent: once
 *   an append resolves, every later `head`, from any instance, sees it — capture appends against the
 *   head. The pool-wide reads (`timeline`, `appendedSince`) may lag behind appends (a secondary index);
 *   `position` accounts for that lag.
 * - **Integrity.** Records read back are validated against the record schema; a record that does not
 *   parse is a `ChangeLogCorruptError` naming where it was, never skipped.
 */
export interface ChangeLog {
  /**
   * A conditional put on (pool, entity, version): `VersionConflictError` when the version is taken
   * (re-read the head and retry), so concurrent writers of one entity never lose an update. A record
   * whose `event.eventId` the entity already holds is a redelivered event: nothing is stored and the
   * answer is `duplicate`.
   */
  append(record: ChangeRecord): Promise<AppendOutcome>;
  /** The newest record of an entity (strongly consistent), or undefined. */
  head(poolId: string, entity: EntityKey): Promise<ChangeRecord | undefined>;
  /** All records of one entity in version order (strongly consistent). */
  entityHistory(poolId: string, entity: EntityKey): AsyncIterable<ChangeRecord>;
  /** The pool-wide timeline: records whose validFrom falls in the range, ordered by (validFrom, id). */
  timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord>;
  /**
   * Where the pool's append order stands now. Take it *before* a pool-wide read: every record that
   * read may have missed (appended after this call, or before it but not yet visible to a lagging
   * index) is returned by `appendedSince` with this position.
   */
  position(poolId: string): Promise<LogPosition>;
  /**
   * Records appended at or after `since` (and, for logs that lag, some shortly before it), in no
   * promised order, optionally only those with validFrom ≤ `validUpTo`: the late arrivals a snapshot
   * taken at `since` could not fold in. Cost and memory are those of the records returned.
   */
  appendedSince(
    poolId: string,
    since: LogPosition,
    filter?: { validUpTo?: string },
  ): AsyncIterable<ChangeRecord>;
}

/** A change log that can survey its own storage for damage (found out with `canSurveyDamage`). */
export interface DamageSurvey {
  damage(poolId: string): Promise<JournalDamage[]>;
}

/**
 * A change log that keeps track of its damage as it goes (found out with `canWatchDamage`): each call
 * checks only what was appended since the last, so any command can afford to ask.
 */
export interface DamageWatch {
  damageSoFar(poolId: string): Promise<DamageSummary>;
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
  /**
   * One ListUsers page from `token` (undefined: the first page); `next` is absent on the last. What a
   * resumable full read checkpoints between: the token carries over to a later invocation.
   */
  listUsersPage(poolId: string, token?: string): Promise<{ users: RawUser[]; next?: string }>;
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

  // One entity at a time: what a restore re-reads just before it changes something. Each answers
  // undefined when the entity does not exist (the pool does: a missing pool is PoolNotFoundError).
  /** AdminGetUser, reshaped like a ListUsers entry (`Attributes`) plus its MFA settings. */
  getUser(poolId: string, username: string): Promise<(RawUser & RawUserMfa) | undefined>;
  /**
   * The username of the user with this `sub` (ListUsers with the filter `sub = "…"`), or undefined.
   * CloudTrail names users by `sub` only; capture resolves it here when the head state does not know it.
   */
  findUsernameBySub(poolId: string, sub: string): Promise<string | undefined>;
  /** AdminListGroupsForUser, every page: the names of the user's groups; undefined if the user is gone. */
  listGroupsForUser(poolId: string, username: string): Promise<string[] | undefined>;
  /** GetGroup. */
  getGroup(poolId: string, groupName: string): Promise<RawRecord | undefined>;
  /** DescribeUserPoolClient (secret included: the domain drops it). */
  describeClient(poolId: string, clientId: string): Promise<RawRecord | undefined>;
  /** DescribeIdentityProvider (secrets included: the domain drops them). */
  describeIdentityProvider(poolId: string, providerName: string): Promise<RawRecord | undefined>;
  /** DescribeResourceServer. */
  describeResourceServer(poolId: string, identifier: string): Promise<RawRecord | undefined>;
}

/**
 * Writes a live pool, one Cognito call per method, so a restore can account for every call. Inputs
 * are Cognito's own request shapes (minus `UserPoolId`) as plain data; the adapter adds nothing and
 * drops nothing. A missing pool throws `PoolNotFoundError`; Cognito's other refusals surface as
 * errors whose `name` is Cognito's exception name (UsernameExistsException, …) so a report can quote it.
 */
export interface CognitoWriter {
  /** CreateUserPool with the given settings (PoolName, Schema, UsernameAttributes, …); returns its id. */
  createUserPool(settings: RawRecord): Promise<{ poolId: string }>;
  /** UpdateUserPool. Cognito resets every updatable setting left out, so pass them all. */
  updateUserPool(poolId: string, settings: RawRecord): Promise<void>;
  /** SetUserPoolMfaConfig (MfaConfiguration, SmsMfaConfiguration, SoftwareTokenMfaConfiguration, …). */
  setMfaConfig(poolId: string, config: RawRecord): Promise<void>;

  /** CreateGroup: GroupName, Description, Precedence, RoleArn. */
  createGroup(poolId: string, group: RawRecord): Promise<void>;
  /** UpdateGroup: GroupName plus the fields to set. */
  updateGroup(poolId: string, group: RawRecord): Promise<void>;
  deleteGroup(poolId: string, groupName: string): Promise<void>;

  /** AdminCreateUser with every attribute at once (verified flags included); returns the new user. */
  createUser(
    poolId: string,
    username: string,
    attributes: Record<string, string>,
    options: CreateUserOptions,
  ): Promise<RawUser>;
  /** AdminUpdateUserAttributes. */
  updateUserAttributes(poolId: string, username: string, attributes: Record<string, string>): Promise<void>;
  /** AdminDeleteUserAttributes. */
  deleteUserAttributes(poolId: string, username: string, names: readonly string[]): Promise<void>;
  /** AdminEnableUser or AdminDisableUser. */
  setUserEnabled(poolId: string, username: string, enabled: boolean): Promise<void>;
  /** AdminSetUserMFAPreference. */
  setUserMfaPreference(poolId: string, username: string, preference: UserMfaPreference): Promise<void>;
  /** AdminDeleteUser. */
  deleteUser(poolId: string, username: string): Promise<void>;
  addUserToGroup(poolId: string, username: string, groupName: string): Promise<void>;
  removeUserFromGroup(poolId: string, username: string, groupName: string): Promise<void>;
  /** AdminLinkProviderForUser: the native user `username` takes over the provider's identity. */
  linkProviderForUser(poolId: string, username: string, source: ProviderUser): Promise<void>;

  /** CreateUserPoolClient (ClientName, GenerateSecret, every setting); returns the new client id. */
  createClient(poolId: string, settings: RawRecord): Promise<{ clientId: string }>;
  /** UpdateUserPoolClient. Cognito resets every setting left out, so pass them all. */
  updateClient(poolId: string, clientId: string, settings: RawRecord): Promise<void>;
  deleteClient(poolId: string, clientId: string): Promise<void>;

  /** CreateIdentityProvider: ProviderName, ProviderType, ProviderDetails, AttributeMapping, IdpIdentifiers. */
  createIdentityProvider(poolId: string, provider: RawRecord): Promise<void>;
  /** UpdateIdentityProvider: ProviderName plus ProviderDetails, AttributeMapping, IdpIdentifiers. */
  updateIdentityProvider(poolId: string, provider: RawRecord): Promise<void>;
  deleteIdentityProvider(poolId: string, providerName: string): Promise<void>;

  /** CreateResourceServer: Identifier, Name, Scopes. */
  createResourceServer(poolId: string, server: RawRecord): Promise<void>;
  /** UpdateResourceServer: Identifier, Name, Scopes (all of them: Cognito replaces the list). */
  updateResourceServer(poolId: string, server: RawRecord): Promise<void>;
  deleteResourceServer(poolId: string, identifier: string): Promise<void>;

  /** CreateUserPoolDomain: Domain, plus CustomDomainConfig and ManagedLoginVersion when given. */
  createDomain(poolId: string, domain: RawRecord): Promise<void>;
  deleteDomain(poolId: string, domain: string): Promise<void>;

  /** SetUICustomization for a client, or the pool default when clientId is undefined (CSS only). */
  setUiCustomization(poolId: string, clientId: string | undefined, ui: { CSS?: string }): Promise<void>;
  /** SetRiskConfiguration (ClientId optional, the three configurations). */
  setRiskConfiguration(poolId: string, config: RawRecord): Promise<void>;

  tagResource(resourceArn: string, tags: Record<string, string>): Promise<void>;
  untagResource(resourceArn: string, keys: readonly string[]): Promise<void>;

  /**
   * Parts of a pool this endpoint has no write API for at all (`tags`: cognito-local serves no
   * TagResource), found without changing anything. A restore plans no action for them and lists them,
   * so a restore that did all it could is a success. Absent: every part is writable.
   */
  unwritable?(poolArn: string): Promise<readonly string[]>;
}

/**
 * Where snapshot metadata is also kept, apart from the bucket: the AWS store's table, one item per
 * snapshot. It serves queries ("newest snapshot at or before T") and, above all, vouches for the
 * bucket: a snapshot is only read when the catalog recorded exactly its manifest (digest included), so
 * whoever can write to the bucket but not the table cannot slip in a snapshot of their own. The bucket
 * alone (no catalog) is still a complete backup, and then its own root of trust.
 */
export interface SnapshotCatalog {
  record(manifest: SnapshotManifest): Promise<void>;
  /** The manifest recorded for the snapshot with this id taken at `at`, or undefined. */
  recorded(poolId: string, at: string, snapshotId: string): Promise<SnapshotManifest | undefined>;
  /** Every snapshot recorded for the pool, oldest first. */
  list(poolId: string): AsyncIterable<SnapshotManifest>;
}

/** A restore's journal, append-only: `read` gives every entry so far, in order (a torn last one dropped). */
export interface RestoreJournal {
  read(): Promise<JournalEntry[]>;
  append(entry: JournalEntry): Promise<void>;
}

/**
 * Small mutable documents a long job keeps between invocations: where a reconcile stopped, how far
 * the archiver got. Everything else in the store is append-only; these are the only values that are
 * replaced, so every put is conditional: it names the revision it read (undefined: the name must not
 * exist yet) and fails with `CheckpointConflictError` when another writer got there first — two
 * invocations of one job can never both continue it. Names are `/`-separated, like
 * `reconcile/us-east-1_AbC123`.
 */
export interface CheckpointStore {
  get(name: string): Promise<Checkpoint | undefined>;
  /** Stores `value` as the next revision and returns it. */
  put(name: string, value: JsonObject, expectedRevision: number | undefined): Promise<number>;
  /** Removes a checkpoint a job no longer needs (a finished run's scratch); a missing one is fine. */
  delete(name: string): Promise<void>;
}

/**
 * The event trail: every CloudTrail event capture receives, once per event id, queryable by caller,
 * by event name, by entity and by time — each one indexed read (a DynamoDB Query, never a Scan).
 * Entries are validated when read back; damage is an error naming where, never skipped.
 */
export interface EventTrail {
  /** Stores the entry unless one with its `eventId` is already there (`duplicate`: nothing changes). */
  record(entry: TrailEntry): Promise<'recorded' | 'duplicate'>;
  get(poolId: string, eventId: string): Promise<TrailEntry | undefined>;
  query(poolId: string, query?: TrailQuery): Promise<TrailPage>;
  /**
   * Drops `sourceIp` and `userAgent` from the pool's entries whose eventTime is before `before`
   * (the retention setting); everything else stays. Returns how many entries it changed.
   */
  forgetPersonalData(poolId: string, before: string): Promise<number>;
}
