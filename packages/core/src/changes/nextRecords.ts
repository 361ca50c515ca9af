import type { EntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import { canonicalTime } from './canonicalTime.js';
import type { ChangeEvent, ChangeRecord, ChangeSource } from './changeRecord.js';
import { changeSteps, createdAtOf, modifiedAtOf } from './changeSteps.js';
import { type EntityHead, makeRecord } from './makeRecord.js';
import { resolveValidFrom } from './validFrom.js';

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
  /** The CloudTrail event that prompted the read, and when it happened. */
  event?: ChangeEvent;
  eventTime?: string;
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

  return { kind: 'records', records: chainOf(observation, start, observedAt) };
}

/** The records from `start` to what was read: one per step `changeSteps` finds. */
function chainOf(observation: Observation, start: EntityHead, observedAt: string): ChangeRecord[] {
  const records: ChangeRecord[] = [];
  let chain = start;
  let validFrom = observation.head?.validFrom;
  const steps = changeSteps(observation.entity, start.doc ?? undefined, observation.after);
  for (const [index, step] of steps.entries()) {
    validFrom = resolveValidFrom({
      observedAt,
      entityModifiedAt: step.date,
      eventTime: step.date === undefined ? observation.eventTime : undefined,
      previousValidFrom: validFrom,
    });
    const record = makeRecord({
      poolId: observation.poolId,
      entity: observation.entity,
      head: chain,
      after: step.doc,
      validFrom,
      observedAt,
      source: observation.source,
      // The event names the last state only: the log keeps one record per (entity, event id), and an
      // earlier step (the part Cognito dated) is inferred, not what the event reported.
      ...(observation.event === undefined || index < steps.length - 1 ? {} : { event: observation.event }),
    });
    records.push(record);
    chain = { version: record.version, hash: record.hash, doc: record.after };
  }
  return records;
}

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
