import { compareKeys, type EntityKey } from '../model/entityKey.js';
import type { TrailEntry, TrailOutcome } from '../trail/trailEntry.js';
import type { CaptureDeps } from './captureDeps.js';
import type { CaptureOutcome } from './captureEvent.js';
import type { CognitoEvent } from './eventSchema.js';
import { valueAt } from './recordFields.js';
import { poolIdOf } from './touchedEntities.js';

/** How many entities and change ids an entry lists (TRAIL_LIMITS keeps an entry a small item). */
const LISTED = 300;

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * The event's audit entry: who called what, when, from where, about which entities, and what capture
 * made of it. Written once per event id (a redelivery finds it there), after the change records, so
 * an entry that exists names records that exist. Events of no pool capture can name (a public call of
 * an unwatched client) have no trail to go to.
 */
export function trailEntryOf(
  event: CognitoEvent,
  outcome: CaptureOutcome,
  receivedAt: string,
): TrailEntry | undefined {
  const { detail } = event;
  const pool = poolIdOf(detail);
  const poolId = outcome.poolId ?? ('id' in pool ? pool.id : undefined);
  if (poolId === undefined) return undefined;
  const identity = detail.userIdentity as Record<string, unknown>;
  const accessKeyId = typeof identity.accessKeyId === 'string' ? identity.accessKeyId : undefined;
  const entities = [
    ...new Set<EntityKey>([
      ...outcome.appended.map((record) => record.entity),
      ...outcome.duplicates,
      ...outcome.unchanged,
      ...outcome.unsupported,
    ]),
  ].sort(compareKeys);
  const allIds = [
    ...new Set([...outcome.appended.map((record) => record.id), ...outcome.duplicateIds]),
  ].sort();
  // A group of thousands deleted: the entry lists the first entities and records, says how many more,
  // and stays a small item (the change log holds every record, each naming the event).
  const changeIds = allIds.slice(0, LISTED);
  const listed = entities.slice(0, LISTED);
  const more =
    entities.length > LISTED || allIds.length > LISTED
      ? `${entities.length} entities and ${allIds.length} change records, the first ${LISTED} of each listed; the change log names this event in every record`
      : undefined;
  const subjectSub =
    outcome.appended.find((record) => record.event?.subjectSub)?.event?.subjectSub ?? subOf(event);
  const entry: TrailEntry = {
    eventId: detail.eventID,
    poolId,
    eventTime: new Date(detail.eventTime).toISOString(),
    receivedAt,
    eventName: detail.eventName,
    eventType: detail.eventType,
    caller: {
      ...(nonEmpty(detail.userIdentity.arn) ? { arn: detail.userIdentity.arn } : {}),
      ...(nonEmpty(detail.userIdentity.type) ? { type: detail.userIdentity.type } : {}),
      ...(nonEmpty(detail.userIdentity.principalId) ? { principalId: detail.userIdentity.principalId } : {}),
      ...(nonEmpty(accessKeyId) ? { accessKeyId } : {}),
    },
    ...(nonEmpty(detail.sourceIPAddress) ? { sourceIp: detail.sourceIPAddress } : {}),
    ...(nonEmpty(detail.userAgent) ? { userAgent: detail.userAgent } : {}),
    ...(nonEmpty(detail.errorCode) ? { errorCode: detail.errorCode } : {}),
    entities: listed,
    ...(subjectSub === undefined ? {} : { subjectSub }),
    outcome: outcomeOf(event, outcome, changeIds),
    changeIds,
  };
  const reason = [reasonOf(outcome), more].filter((part) => part !== undefined).join('; ');
  return reason === '' ? entry : { ...entry, reason };
}

function outcomeOf(event: CognitoEvent, outcome: CaptureOutcome, changeIds: string[]): TrailOutcome {
  if (nonEmpty(event.detail.errorCode)) return 'failed';
  if (outcome.ignored !== undefined) return 'ignored';
  if (changeIds.length > 0) return 'changed';
  return outcome.forReconcile.length > 0 ? 'reconcile' : 'unchanged';
}

/** Why the event changed nothing, or what was left to reconcile. Reasons name ids, never personal values. */
function reasonOf(outcome: CaptureOutcome): string | undefined {
  if (outcome.ignored !== undefined) return outcome.ignored;
  if (outcome.forReconcile.length > 0) return `left to reconcile: ${outcome.forReconcile.join('; ')}`;
  return undefined;
}

const SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function subOf(event: CognitoEvent): string | undefined {
  const sub = valueAt(event.detail, 'additionalEventData.sub');
  return typeof sub === 'string' && SUB.test(sub) ? sub : undefined;
}

/** Writes the event's trail entry when the capture has a trail; a redelivery finds it there already. */
export async function recordTrail(
  deps: CaptureDeps,
  event: CognitoEvent,
  outcome: CaptureOutcome,
): Promise<void> {
  if (deps.trail === undefined) return;
  const entry = trailEntryOf(event, outcome, deps.clock.now().toISOString());
  if (entry !== undefined) await deps.trail.record(entry);
}
