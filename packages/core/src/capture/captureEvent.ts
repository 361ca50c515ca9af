import type { ChangeEvent, ChangeRecord } from '../changes/changeRecord.js';
import { ComponentUnsupportedError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import { recordedEntities } from '../replay/recordedEntities.js';
import type { CaptureDeps } from './captureDeps.js';
import { captureEntity } from './captureEntity.js';
import type { CognitoEvent } from './eventSchema.js';
import { type ResolvedTouch, touchedEntities } from './touchedEntities.js';

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
