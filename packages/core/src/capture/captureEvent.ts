import type { ChangeEvent, ChangeRecord } from '../changes/changeRecord.js';
import { field } from '../changes/entityFields.js';
import { chainRecords } from '../changes/plannedChanges.js';
import { resolveValidFrom } from '../changes/validFrom.js';
import { ComponentUnsupportedError, VersionConflictError } from '../errors.js';
import { type EntityKey, entityKey } from '../model/entityKey.js';
import { recordedEntities } from '../replay/recordedEntities.js';
import type { CaptureDeps } from './captureDeps.js';
import { appendAll, captureEntity } from './captureEntity.js';
import type { CognitoEvent } from './eventSchema.js';
import { type ResolvedTouch, touchedEntities } from './touchedEntities.js';
import { recordTrail } from './trailEntry.js';

/** What capturing one event did. Nothing here is an error: a malformed event never gets this far. */
export interface CaptureOutcome {
  poolId?: string;
  /** Why the event changes nothing (a read-only or failed call, an uncatalogued name). */
  ignored?: string;
  /** Records appended, by entity. */
  appended: ChangeRecord[];
  /** Entities whose record of this event was already in the log (a redelivered event). */
  duplicates: EntityKey[];
  /** The ids of the records of this event already in the log (a redelivery finds them). */
  duplicateIds: string[];
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

/**
 * Capture of one Cognito event: the entities it touched (the catalogue), each re-read from Cognito
 * now (an event says *that* something changed; the re-read says *what*), turned into records by the
 * one rule full reads also follow (`nextRecords`: never regress), stamped with the event's time and
 * who made the call, and appended. A redelivered event writes nothing new (the log refuses a second
 * record of an event id per entity); an out-of-order one never moves an entity back.
 */
export async function captureEvent(deps: CaptureDeps, event: CognitoEvent): Promise<CaptureOutcome> {
  const outcome = await captureChanges(deps, event);
  await recordTrail(deps, event, outcome);
  return outcome;
}

/** The change records of one event (see {@link captureEvent}); the trail entry is written after. */
async function captureChanges(deps: CaptureDeps, event: CognitoEvent): Promise<CaptureOutcome> {
  const outcome: CaptureOutcome = {
    appended: [],
    duplicates: [],
    duplicateIds: [],
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
  const eventTime = new Date(event.detail.eventTime).toISOString();
  const keys = await entityKeys(deps, poolId, eventTime, touched.touches, outcome);
  const source = changeEventOf(event);
  // A user's document holds MFA settings exactly when a full read would read them: MFA not OFF.
  const userMfa = keys.some(({ key }) => key.startsWith('user:')) && (await mfaInUse(deps, poolId));
  for (const { key, sub } of keys) {
    const change = sub === undefined ? source : { ...source, subjectSub: sub };
    const captured = await captureEntity(deps, poolId, key, {
      change,
      record: event.detail,
      eventTime,
      userMfa,
    }).catch((error: unknown) => {
      if (error instanceof ComponentUnsupportedError) return undefined;
      throw error;
    });
    if (captured === undefined) {
      outcome.unsupported.push(key);
      continue;
    }
    tally(outcome, key, captured);
  }
  for (const touch of touched.touches)
    if (touch.kind === 'groupMembers')
      await endMemberships(deps, poolId, touch.group, source, eventTime, outcome);
  return { ...outcome, poolId };
}

function tally(
  outcome: CaptureOutcome,
  key: EntityKey,
  captured: { appended: ChangeRecord[]; duplicate: boolean; ids: string[] },
): void {
  outcome.appended.push(...captured.appended);
  if (captured.duplicate) {
    outcome.duplicates.push(key);
    outcome.duplicateIds.push(...captured.ids.filter((id) => !captured.appended.some((r) => r.id === id)));
  } else if (captured.appended.length === 0) outcome.unchanged.push(key);
}

/**
 * A deleted group's memberships end with it, at the deletion's time: its members are the users the
 * recorded state holds in the group then (Cognito no longer knows). Each gets a record caused by the
 * DeleteGroup event. Without the recorded state at hand (no snapshot store), reconcile does it.
 */
async function endMemberships(
  deps: CaptureDeps,
  poolId: string,
  group: string,
  event: ChangeEvent,
  eventTime: string,
  outcome: CaptureOutcome,
): Promise<void> {
  if (deps.snapshots === undefined) {
    outcome.forReconcile.push(`the members of deleted group ${group}`);
    return;
  }
  const observedAt = deps.clock.now().toISOString();
  const at = resolveValidFrom({ observedAt, eventTime });
  const members: EntityKey[] = [];
  const state = await recordedEntities({ snapshots: deps.snapshots, changeLog: deps.changeLog }, poolId, at);
  for await (const { key, doc } of state)
    if (key.startsWith('user:') && Array.isArray(doc.groups) && doc.groups.includes(group)) members.push(key);
  for (const key of members) {
    for (let attempt = 1; ; attempt++) {
      const history: ChangeRecord[] = [];
      for await (const record of deps.changeLog.entityHistory(poolId, key)) history.push(record);
      const mine = history.filter((record) => record.event?.eventId === event.eventId);
      if (mine.length > 0) {
        tally(outcome, key, { appended: [], duplicate: true, ids: mine.map((record) => record.id) });
        break;
      }
      const records = chainRecords(
        { history, head: history.at(-1) },
        [{ validFrom: at, change: { unset: [field('groups', group)] }, caused: true }],
        { poolId, entity: key, observedAt, source: 'cloudtrail', event },
      );
      try {
        tally(outcome, key, await appendAll(deps.changeLog, records));
        break;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= 5) throw error;
      }
    }
  }
}

/** The entity keys to re-read; what needs the pool's whole state goes to reconcile. */
async function entityKeys(
  deps: CaptureDeps,
  poolId: string,
  eventTime: string,
  touches: readonly ResolvedTouch[],
  outcome: CaptureOutcome,
): Promise<{ key: EntityKey; sub?: string }[]> {
  const keys = new Map<EntityKey, string | undefined>();
  for (const touch of touches) {
    if (touch.kind === 'entity') keys.set(touch.key, keys.get(touch.key));
    else if (touch.kind === 'userBySub') {
      const username =
        (await deps.reader.findUsernameBySub(poolId, touch.sub)) ??
        (await recordedUsername(deps, poolId, touch.sub, eventTime));
      if (username !== undefined) keys.set(entityKey('user', username), touch.sub);
      else
        outcome.forReconcile.push(
          `the user with sub ${touch.sub}: neither in ${poolId} nor in its recorded state`,
        );
    } else if (touch.kind === 'groupMembers') continue;
    else if (touch.kind === 'everyUi') outcome.forReconcile.push('every UI customization of the pool');
    else
      outcome.forReconcile.push(touch.end ? `the whole pool ${poolId}: deleted` : `the whole pool ${poolId}`);
  }
  return [...keys].map(([key, sub]) => (sub === undefined ? { key } : { key, sub }));
}

export function changeEventOf(event: CognitoEvent): ChangeEvent {
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

/**
 * The username the recorded state (newest snapshot + records since) gives the user with this sub:
 * how a deleted user is named. One pass over the pool's state, streamed, stopping at the match —
 * paid only for users Cognito no longer has.
 */
async function recordedUsername(
  deps: CaptureDeps,
  poolId: string,
  sub: string,
  eventTime: string,
): Promise<string | undefined> {
  if (deps.snapshots === undefined) return undefined;
  // As recorded just before the call: the name the user had then (another may hold it now), and
  // still there for a redelivered deletion that the log already holds.
  const at = new Date(Math.min(Date.parse(eventTime) - 1, deps.clock.now().getTime())).toISOString();
  const entities = await recordedEntities(
    { snapshots: deps.snapshots, changeLog: deps.changeLog },
    poolId,
    at,
  );
  for await (const { key, doc } of entities) {
    if (!key.startsWith('user:')) continue;
    const attributes = doc.attributes as Record<string, unknown> | undefined;
    if (attributes?.sub === sub) return key.slice('user:'.length);
  }
  return usernameInRecords(deps, poolId, sub);
}

/**
 * The user a record names by this sub, though the recorded state holds no such user at the time: its
 * creation's event is still on its way while a later call's record already knows the name. A walk of
 * the pool's records, paid only when both Cognito and the recorded state fail.
 */
async function usernameInRecords(
  deps: CaptureDeps,
  poolId: string,
  sub: string,
): Promise<string | undefined> {
  for await (const record of deps.changeLog.timeline(poolId)) {
    if (!record.entity.startsWith('user:')) continue;
    const attributes = record.after?.attributes as Record<string, unknown> | undefined;
    if (record.event?.subjectSub === sub || attributes?.sub === sub)
      return record.entity.slice('user:'.length);
  }
  return undefined;
}
