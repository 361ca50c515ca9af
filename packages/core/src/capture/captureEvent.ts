import type { ChangeEvent, ChangeRecord } from '../changes/changeRecord.js';
import { nextRecords } from '../changes/nextRecords.js';
import { ComponentUnsupportedError, VersionConflictError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog, Clock, CognitoReader } from '../ports.js';
import { recordedEntities } from '../replay/recordedEntities.js';
import { readLiveEntity } from '../restore/readLiveEntity.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import type { CognitoEvent } from './eventSchema.js';
import { type ResolvedTouch, touchedEntities } from './touchedEntities.js';

export interface CaptureDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  clock: Clock;
  /**
   * Where the head state is replayed from, to name a user Cognito no longer has (a deletion: the
   * event gives only the sub, and ListUsers finds nobody). Without it such users go to reconcile.
   */
  snapshots?: SnapshotStore;
  /**
   * The pool holding an app client: public calls (SignUp, ConfirmSignUp, ForgotPassword…) name only
   * their client. Without it, or when no watched pool has the client, the event goes to reconcile.
   * `poolOfClientFromLog` answers from the recorded clients of the watched pools.
   */
  poolOfClient?: (clientId: string) => Promise<string | undefined>;
}

/** What capturing one event did. Nothing here is an error: a malformed event never gets this far. */
export interface CaptureOutcome {
  poolId?: string;
  /** Why the event changes nothing (a read-only or failed call, an uncatalogued name). */
  ignored?: string;
  /** Records appended, by entity. */
  appended: ChangeRecord[];
  /** Entities whose record of this event was already in the log (a redelivered event). */
  duplicates: EntityKey[];
  /** Entities whose re-read was older than the log, or showed nothing new. */
  unchanged: EntityKey[];
  /**
   * Entities the endpoint cannot read (an optional component cognito-local lacks, such as tags):
   * not captured, as a full read leaves them out, rather than failing the whole event forever.
   */
  unsupported: EntityKey[];
  /**
   * What this event touched that capture cannot re-read alone (a user no longer found by sub, a
   * deleted group's members, a whole pool): the next reconcile records it.
   */
  forReconcile: string[];
}

/** Attempts at one entity when other writers keep taking its next version. */
const CONFLICT_ATTEMPTS = 5;

/**
 * Capture of one Cognito event: the entities it touched (the catalogue), each re-read from Cognito
 * now (an event says *that* something changed; the re-read says *what*), turned into records by the
 * one rule full reads also follow (`nextRecords`: never regress), stamped with the event's time and
 * who made the call, and appended. A redelivered event writes nothing new (the log refuses a second
 * record of an event id per entity); an out-of-order one never moves an entity back.
 */
export async function captureEvent(deps: CaptureDeps, event: CognitoEvent): Promise<CaptureOutcome> {
  const outcome: CaptureOutcome = {
    appended: [],
    duplicates: [],
    unchanged: [],
    unsupported: [],
    forReconcile: [],
  };
  const touched = touchedEntities(event);
  if ('ignored' in touched) return { ...outcome, ignored: touched.ignored };
  for (const { reason } of touched.unresolved) outcome.forReconcile.push(reason);
  const poolId = 'poolId' in touched ? touched.poolId : await deps.poolOfClient?.(touched.poolOfClient);
  if (poolId === undefined) {
    const clientId = 'poolOfClient' in touched ? touched.poolOfClient : '';
    outcome.forReconcile.push(`the pool of app client ${clientId} (a public call names only its client)`);
    return outcome;
  }
  const keys = await entityKeys(deps, poolId, touched.touches, outcome);
  const source = changeEventOf(event);
  // A user's document holds MFA settings exactly when a full read would read them: MFA not OFF.
  const userMfa = keys.some((key) => key.startsWith('user:')) && (await mfaInUse(deps, poolId));
  const eventTime = new Date(event.detail.eventTime).toISOString();
  for (const key of keys) {
    const captured = await captureEntity(deps, poolId, key, { change: source, eventTime, userMfa }).catch(
      (error: unknown) => {
        if (error instanceof ComponentUnsupportedError) return undefined;
        throw error;
      },
    );
    if (captured === undefined) {
      outcome.unsupported.push(key);
      continue;
    }
    const { appended, duplicate } = captured;
    outcome.appended.push(...appended);
    if (duplicate) outcome.duplicates.push(key);
    else if (appended.length === 0) outcome.unchanged.push(key);
  }
  return { ...outcome, poolId };
}

/** The entity keys to re-read; what needs the pool's whole state goes to reconcile. */
async function entityKeys(
  deps: CaptureDeps,
  poolId: string,
  touches: readonly ResolvedTouch[],
  outcome: CaptureOutcome,
): Promise<EntityKey[]> {
  const keys: EntityKey[] = [];
  for (const touch of touches) {
    if (touch.kind === 'entity') keys.push(touch.key);
    else if (touch.kind === 'userBySub') {
      const username =
        (await deps.reader.findUsernameBySub(poolId, touch.sub)) ??
        (await recordedUsername(deps, poolId, touch.sub));
      if (username !== undefined) keys.push(`user:${username}`);
      else
        outcome.forReconcile.push(
          `the user with sub ${touch.sub}: neither in ${poolId} nor in its recorded state`,
        );
    } else if (touch.kind === 'groupMembers')
      outcome.forReconcile.push(`the members of deleted group ${touch.group}`);
    else if (touch.kind === 'everyUi') outcome.forReconcile.push('every UI customization of the pool');
    else
      outcome.forReconcile.push(touch.end ? `the whole pool ${poolId}: deleted` : `the whole pool ${poolId}`);
  }
  return [...new Set(keys)];
}

function changeEventOf(event: CognitoEvent): ChangeEvent {
  const { detail } = event;
  const change: ChangeEvent = {
    name: detail.eventName,
    eventId: detail.eventID,
    eventTime: new Date(detail.eventTime).toISOString(),
    eventType: detail.eventType,
  };
  if (detail.userIdentity.arn !== undefined) change.actorArn = detail.userIdentity.arn;
  if (detail.userIdentity.type !== undefined) change.actorType = detail.userIdentity.type;
  if (detail.userIdentity.principalId !== undefined) change.actorPrincipal = detail.userIdentity.principalId;
  if (detail.sourceIPAddress !== undefined) change.sourceIp = detail.sourceIPAddress;
  if (detail.userAgent !== undefined) change.userAgent = detail.userAgent;
  return change;
}

/**
 * The event of a record, if any; a user event names its subject by `sub` too (from the user as read,
 * or as last recorded when deleted): the one id of a user that never changes hands.
 */
function withSubject(
  change: ChangeEvent | undefined,
  key: EntityKey,
  after: JsonObject | null,
  head: ChangeRecord | undefined,
): { event?: ChangeEvent } {
  if (change === undefined) return {};
  if (!key.startsWith('user:')) return { event: change };
  const attributes = (after ?? head?.after)?.attributes as Record<string, unknown> | undefined;
  return { event: typeof attributes?.sub === 'string' ? { ...change, subjectSub: attributes.sub } : change };
}

/**
 * Whether the pool's MFA is on. From the recorded `mfa` entity when there is one (capture records
 * every SetUserPoolMfaConfig): GetUserPoolMfaConfig is allowed 5 calls a second per pool, too few to
 * spend one on every user event. Cognito is asked only for a pool the log holds no MFA config of.
 */
async function mfaInUse(deps: CaptureDeps, poolId: string): Promise<boolean> {
  const recorded = (await deps.changeLog.head(poolId, 'mfa'))?.after?.MfaConfiguration;
  const mode =
    typeof recorded === 'string' ? recorded : (await deps.reader.getMfaConfig(poolId)).MfaConfiguration;
  return typeof mode === 'string' && mode !== 'OFF';
}

/** How one entity is captured: the event that named it (if any) and whether users carry MFA settings. */
export interface EntityCapture {
  change?: ChangeEvent;
  eventTime?: string;
  userMfa: boolean;
}

/** What capturing one entity did: records appended (perhaps cut short by a redelivery), or none. */
export interface EntityOutcome {
  appended: ChangeRecord[];
  duplicate: boolean;
}

/**
 * What capture does for one entity: read the chain's head, re-read the entity from Cognito, append
 * what `nextRecords` makes of it; when another writer took the version, read both again and retry.
 */
export async function captureEntity(
  deps: CaptureDeps,
  poolId: string,
  key: EntityKey,
  { change, eventTime, userMfa }: EntityCapture,
): Promise<EntityOutcome> {
  const arn = key === 'tags' ? String((await deps.reader.describeUserPool(poolId)).Arn ?? '') : undefined;
  for (let attempt = 1; ; attempt++) {
    const head = await deps.changeLog.head(poolId, key);
    const readAt = deps.clock.now().toISOString();
    const after = await readLiveEntity(
      { reader: deps.reader, poolId, arn, paced: (_operation, call) => call(), userMfa },
      key,
    );
    const verdict = nextRecords({
      poolId,
      entity: key,
      head,
      after,
      observedAt: deps.clock.now().toISOString(),
      readAt,
      source: 'cloudtrail',
      ...withSubject(change, key, after, head),
      ...(eventTime === undefined ? {} : { eventTime }),
    });
    if (verdict.kind !== 'records') return { appended: [], duplicate: false };
    try {
      return await appendAll(deps.changeLog, verdict.records);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }
}

/** One entity's records in order; a record of this event already there ends it (redelivery). */
async function appendAll(log: ChangeLog, records: readonly ChangeRecord[]): Promise<EntityOutcome> {
  const appended: ChangeRecord[] = [];
  for (const record of records) {
    if ((await log.append(record)) === 'duplicate') return { appended, duplicate: true };
    appended.push(record);
  }
  return { appended, duplicate: false };
}

/**
 * The username the recorded state (newest snapshot + records since) gives the user with this sub:
 * how a deleted user is named. One pass over the pool's state, streamed, stopping at the match —
 * paid only for users Cognito no longer has.
 */
async function recordedUsername(deps: CaptureDeps, poolId: string, sub: string): Promise<string | undefined> {
  if (deps.snapshots === undefined) return undefined;
  const entities = await recordedEntities(
    { snapshots: deps.snapshots, changeLog: deps.changeLog },
    poolId,
    deps.clock.now().toISOString(),
  );
  for await (const { key, doc } of entities) {
    if (!key.startsWith('user:')) continue;
    const attributes = doc.attributes as Record<string, unknown> | undefined;
    if (attributes?.sub === sub) return key.slice('user:'.length);
  }
  return undefined;
}

/**
 * `CaptureDeps.poolOfClient` from the change log: the watched pool whose recorded clients include
 * this one (one strongly consistent head read per pool, remembered: a client never changes pools).
 */
export function poolOfClientFromLog(
  changeLog: ChangeLog,
  pools: () => Promise<readonly string[]>,
): (clientId: string) => Promise<string | undefined> {
  const known = new Map<string, string>();
  return async (clientId) => {
    const cached = known.get(clientId);
    if (cached !== undefined) return cached;
    for (const poolId of await pools()) {
      const head = await changeLog.head(poolId, `client:${clientId}`);
      if (head !== undefined && head.after !== null) {
        known.set(clientId, poolId);
        return poolId;
      }
    }
    return undefined;
  };
}
