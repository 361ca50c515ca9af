import type { ChangeRecord } from './changes/changeRecord.js';
import type { EntityKey } from './model/entityKey.js';
import type { JsonObject } from './model/json.js';
import type { RawRecord, RawUser, RawUserMfa } from './model/raw.js';

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
  /** Exclusive lower bound on `validFrom` (a canonical time, see `changes/canonicalTime.ts`). */
  after?: string;
  /** Inclusive upper bound on `validFrom`. */
  upTo?: string;
}

/**
 * A point in one pool's append order, made by `ChangeLog.position` and only meaningful to the log that
 * made it (a journal offset, a sequence number, a time). Snapshots store the position taken before the
 * records folded into them were read, so a later replay can find what arrived after.
 */
export type LogPosition = string;

/** The position before any record, in every log: `appendedSince(pool, LOG_ORIGIN)` is all of it. */
export const LOG_ORIGIN: LogPosition = '0';

/** `duplicate`: the entity already holds a record of this CloudTrail event, and nothing was stored. */
export type AppendOutcome = 'appended' | 'duplicate';

/**
 * The append-only change log. Each entity is a stream keyed by version, and what every adapter
 * guarantees is pinned down by the shared contract suite (`testing/contracts/changeLog.contract.ts`):
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

/** Where an identity a user is linked to comes from (AdminLinkProviderForUser's SourceUser). */
export interface ProviderUser {
  providerName: string;
  /** `Cognito_Subject` for the provider's own user id, or a mapped attribute name. */
  attributeName: string;
  attributeValue: string;
}

/** One MFA factor's setting, as AdminSetUserMFAPreference takes it. */
export interface MfaFactorSetting {
  enabled: boolean;
  preferred: boolean;
}

/** AdminSetUserMFAPreference: only the factors given are changed. */
export interface UserMfaPreference {
  sms?: MfaFactorSetting;
  email?: MfaFactorSetting;
  softwareToken?: MfaFactorSetting;
}

export interface CreateUserOptions {
  /** `MessageAction: SUPPRESS`: no invitation by email or SMS (the default of a restore). */
  suppressMessages: boolean;
  /** Where Cognito sends the invitation when messages are not suppressed. @default Cognito's (SMS) */
  deliveryMediums?: ('EMAIL' | 'SMS')[];
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

/** One checkpoint as stored: its value and the revision `put` must name to replace it. */
export interface Checkpoint {
  value: JsonObject;
  /** Counts up from 1 with every put. */
  revision: number;
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

/** Who made a call, as CloudTrail's `userIdentity` names them. */
export interface TrailCaller {
  /** The caller's ARN (an IAM user, an assumed-role session); absent for anonymous public calls. */
  arn?: string;
  /** `IAMUser`, `AssumedRole`, `Unknown` (public calls), … */
  type?: string;
  /** The principal id (`AROA…:session`, `Anonymous`). */
  principalId?: string;
  /** The access key the request was signed with, where CloudTrail gives one. */
  accessKeyId?: string;
}

/**
 * What capturing an event did: the change records it caused (`changed`), nothing new (`unchanged`:
 * the log already held it, or the call changed nothing), what only a full read can settle
 * (`reconcile`), a call Cognito refused (`failed`), or an event that changes nothing the model holds
 * (`ignored`: read-only, uncatalogued).
 */
export type TrailOutcome = 'changed' | 'unchanged' | 'reconcile' | 'failed' | 'ignored';

/**
 * One CloudTrail event as capture received it, successful or failed: the audit trail. Kept once per
 * `eventId`. Never holds request parameters (CloudTrail masks the private ones; the rest is the
 * change records' business) and never a secret.
 */
export interface TrailEntry {
  eventId: string;
  poolId: string;
  /** When the call happened (CloudTrail's `eventTime`, canonical). */
  eventTime: string;
  /** When capture received it (canonical): `receivedAt − eventTime` is the delivery delay. */
  receivedAt: string;
  eventName: string;
  /** `AwsApiCall`, or `AwsServiceEvent` for the hosted UI / managed login. */
  eventType: string;
  caller: TrailCaller;
  /** Personal data: forgotten after the retention period (`forgetPersonalData`). */
  sourceIp?: string;
  /** Personal data, like `sourceIp`. */
  userAgent?: string;
  /** Cognito's refusal (`NotAuthorizedException`, …): the call changed nothing. */
  errorCode?: string;
  /** The entities the event is about, as far as capture could name them (sorted, unique). */
  entities: EntityKey[];
  /** The `sub` of the user the event is about, for user events. */
  subjectSub?: string;
  outcome: TrailOutcome;
  /** The ids of the change records the event caused (`changed`). */
  changeIds: string[];
  /** Why it changed nothing, or what was left to reconcile (no personal data). */
  reason?: string;
}

/** Filters of a trail query; at most one of `caller`, `eventName`, `entity` (each is one index). */
export interface TrailQuery {
  /** An ARN (or a principal id, for callers without one), matched exactly. */
  caller?: string;
  eventName?: string;
  entity?: EntityKey;
  /** Inclusive bounds on `eventTime` (canonical times). */
  since?: string;
  until?: string;
  /** Page size. @default 100 */
  limit?: number;
  /** Where the previous page ended (its `cursor`). */
  cursor?: string;
}

/** One page of a trail query, in `eventTime` order (then event id); `cursor` is absent on the last. */
export interface TrailPage {
  entries: TrailEntry[];
  cursor?: string;
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
