import { type EntityKey, parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import { canonicalTime } from './canonicalTime.js';
import type { ChangeCause, ChangeEvent, ChangeRecord, ChangeSource } from './changeRecord.js';
import { createdAtOf, isDatedField, modifiedAtOf, sameIncarnation } from './entityDates.js';
import type { Field } from './entityFields.js';
import type { EntityHead } from './makeRecord.js';
import {
  chainRecords,
  compactChange,
  creationChanges,
  dateOf,
  fieldDiff,
  isEmptyChange,
  type PlannedChange,
} from './plannedChanges.js';

/** What was just read of one entity, and against which chain head. */
export interface Observation {
  poolId: string;
  entity: EntityKey;
  /** The chain's newest record (one strongly consistent read of the change log), or undefined. */
  head: ChangeRecord | undefined;
  /**
   * Where the chain starts when the log gives no head: the entity as a snapshot holds it (a version-0
   * entry, from before first reads wrote baselines).
   */
  base?: EntityHead;
  /** The entity as read: its canonical document, or null when it does not exist. */
  after: JsonObject | null;
  /** When the read returned. */
  observedAt: string;
  /**
   * When the read began: for a full read, the start of the page (or of the scan) that held the
   * entity. What the log learnt after this instant may be newer than what was read. @default observedAt
   */
  readAt?: string;
  source: ChangeSource;
  /** The CloudTrail event that prompted the read. */
  event?: ChangeEvent;
  /** Who wrote it when no event did (a restore, a reconcile run). */
  cause?: ChangeCause;
  /**
   * Leave to capture what Cognito dates within `ms` before `now`: its event may still be in flight
   * (CloudTrail delivers in about 5 minutes). Reconcile sets it; full reads someone asked for do not.
   */
  grace?: { now: string; ms: number };
}

export type Verdict =
  | { kind: 'records'; records: ChangeRecord[] }
  | { kind: 'unchanged' }
  /** The read is older than what the log already holds: writing it would move the entity back. */
  | { kind: 'stale'; reason: string };

const ms = (time: string) => Date.parse(time);

/**
 * The one way a freshly read entity becomes change records, shared by capture and reconcile: the
 * records that take the chain from its head to what was read, or nothing.
 *
 * Never regress. A read can be older than the head: a full scan read alice at 10:00:01, capture
 * recorded her change at 10:00:05, the scan ends at 10:00:10 — writing its alice would undo the
 * change (or bring back a user whose deletion was recorded). Where Cognito dates the entity
 * (`UserLastModifiedDate`, `LastModifiedDate`), an after-image dated before the head's loses. For what
 * it does not date (memberships, MFA settings, deletes, undated entities) the read's start against
 * the head's `observedAt` decides: a read that began before the head was observed may predate it.
 *
 * Times: validFrom comes from Cognito's date where the step has one, else the event time, else the
 * observation (`resolveValidFrom`: whole-second dates end their second, never after observedAt, never
 * before the head's); all in the canonical format. Ids sort like observedAt.
 */
export function nextRecords(observation: Observation): Verdict {
  const { head, after } = observation;
  const observedAt = canonicalTime(observation.observedAt);
  const readAt = canonicalTime(observation.readAt ?? observation.observedAt);
  const start: EntityHead = head
    ? { version: head.version, hash: head.hash, doc: head.after }
    : (observation.base ?? { version: 0, hash: null, doc: null });
  const before = start.doc;
  const known = head !== undefined || observation.base !== undefined;
  if (known && deepEqual(before ?? undefined, after ?? undefined)) return { kind: 'unchanged' };
  const stale = staleness(head, after, readAt);
  if (stale !== undefined) return { kind: 'stale', reason: stale };

  const kind = parseEntityKey(observation.entity).kind;
  const planned = observedChanges(kind, before, after, observedAt, readAt);
  const grace = withinGrace(observation, before, after);
  if (grace !== undefined) return { kind: 'stale', reason: grace };
  const chainHead = head ?? (observation.base === undefined ? undefined : baseRecord(observation, start));
  const records = chainRecords({ head: chainHead }, planned, {
    poolId: observation.poolId,
    entity: observation.entity,
    observedAt,
    source: observation.source,
    ...(observation.event === undefined ? {} : { event: observation.event }),
    ...(observation.cause === undefined ? {} : { cause: observation.cause }),
  });
  return { kind: 'records', records };
}

/** A chain that starts from a snapshot's version-0 entry: its doc, with no record behind it. */
const baseRecord = (observation: Observation, start: EntityHead): ChangeRecord =>
  ({
    version: start.version,
    hash: start.hash,
    after: start.doc,
    poolId: observation.poolId,
  }) as ChangeRecord;

/**
 * Why a change is left to its event for now: Cognito dates it (creation or modification) within the
 * grace period, so its CloudTrail event may still be on its way, and that event will record it with
 * its cause. Past the grace period, what no event explained is drift.
 */
function withinGrace(
  observation: Observation,
  before: JsonObject | null,
  after: JsonObject | null,
): string | undefined {
  const { grace } = observation;
  if (grace === undefined || grace.ms <= 0 || after === null) return undefined;
  const date = before === null || !sameIncarnation(before, after) ? createdAtOf(after) : modifiedAtOf(after);
  if (date === undefined || Date.parse(date) <= Date.parse(grace.now) - grace.ms) return undefined;
  return `changed at ${date}, within the ${Math.round(grace.ms / 1000)} s grace period: left to its event`;
}

/**
 * What a read with no event says, as changes at the times they became true: a new entity exists from
 * its creation date (`creationChanges`); fields Cognito's date covers changed at that date (or, if the
 * date did not move, by the time of the read); fields it does not date (memberships, MFA settings)
 * and deletions are known only from the read. The event, if any, names the last record: the log keeps
 * one record per (entity, event id).
 */
function observedChanges(
  kind: string,
  before: JsonObject | null,
  after: JsonObject | null,
  observedAt: string,
  readAt: string,
): PlannedChange[] {
  if (after === null) return [{ validFrom: observedAt, change: { whole: null }, caused: true }];
  const undated = (path: Field) => !isDatedField(kind, path);
  if (before === null || !sameIncarnation(before, after)) {
    const { creation, later } = creationChanges(kind, after, observedAt, readAt);
    const rest = fieldDiff(kind, creation.change.whole ?? null, after, undated);
    return [
      creation,
      ...(later === undefined || isEmptyChange(later.change) ? [] : [later]),
      ...stepAt(observedAt, rest),
    ].map((step, index, all) => ({ ...step, caused: index === all.length - 1 }));
  }
  const modified = modifiedAtOf(after);
  const moved = modified !== undefined && modified !== modifiedAtOf(before);
  const dated = fieldDiff(kind, before, after, (path) => isDatedField(kind, path));
  const rest = fieldDiff(kind, before, after, undated);
  const steps = [
    ...stepAt(moved ? dateOf(modified, observedAt) : observedAt, dated),
    ...stepAt(observedAt, rest),
  ];
  return steps.map((step, index) => ({ ...step, caused: index === steps.length - 1 }));
}

const stepAt = (validFrom: string, diff: { set: JsonObject; unset: Field[] }): PlannedChange[] => {
  const change = compactChange(diff);
  return isEmptyChange(change) ? [] : [{ validFrom, change, caused: false }];
};

/** Why `after` (read from `readAt` on) must not be written over `head`; undefined when it may be. */
function staleness(
  head: ChangeRecord | undefined,
  after: JsonObject | null,
  readAt: string,
): string | undefined {
  if (head === undefined) return undefined;
  // Deleted, and there again: created after the deletion (Cognito's date says so) is a new entity.
  const createdAt = createdAtOf(after);
  if (head.after === null && createdAt !== undefined && ms(createdAt) > ms(head.validFrom)) return undefined;
  const headDate = modifiedAtOf(head.after);
  const readDate = modifiedAtOf(after);
  // Both dated by Cognito: the dates decide, whatever the clocks of reader and writer say.
  if (headDate !== undefined && readDate !== undefined) {
    if (ms(readDate) < ms(headDate))
      return `read an image dated ${readDate}, the log already holds one dated ${headDate}`;
    if (ms(readDate) > ms(headDate)) return undefined;
  }
  // Undated (a delete, a membership, an undated entity), or the same date: the read must have begun
  // after the head was observed.
  if (ms(readAt) < ms(head.observedAt))
    return `the read began at ${readAt}, before the log's newest record was observed (${head.observedAt})`;
  return undefined;
}
