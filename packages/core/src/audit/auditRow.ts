import type { ChangeRecord, ChangeSource } from '../changes/changeRecord.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { TrailEntry, TrailOutcome } from '../trail/trailEntry.js';
import { callerKeyOf } from '../trail/trailSchema.js';
import type { AuditPosition } from './auditCursor.js';
import type { AuditPlan } from './auditQuery.js';

/** One change record a row names, in words, with the record itself (its RFC 6902 patch, its after-image). */
export interface AuditChange {
  id: string;
  entity: EntityKey;
  words: string[];
  record: ChangeRecord;
  /** The entity just before the record (the previous record's after-image); undefined: none earlier. */
  before?: JsonObject | null;
}

/**
 * One line of the audit: a call capture received (from the event trail, failed calls included), or a
 * change no call explains (a reconcile's drift, a restore's write, an import: from the change log).
 */
export interface AuditRow {
  position: AuditPosition;
  time: string;
  source: ChangeSource;
  event?: string;
  /** The caller's ARN (or principal id), a restore's operator, or the reconcile run. */
  caller?: string;
  accessKeyId?: string;
  sourceIp?: string;
  entities: EntityKey[];
  /** Changes whose record could not be read back (named by the trail entry, not in the log). */
  missing: string[];
  changes: AuditChange[];
  errorCode?: string;
  /** What capture did with the call (trail rows only). */
  outcome?: TrailOutcome;
  /** Why the call changed nothing, or what it left to reconcile (trail rows only). */
  reason?: string;
}

/** What a row has before its change records are read: the trail entry, or the one record. */
export type PendingRow = { from: 'trail'; entry: TrailEntry } | { from: 'log'; record: ChangeRecord };

export const positionOf = (row: PendingRow): AuditPosition =>
  row.from === 'trail'
    ? { time: row.entry.eventTime, stream: 0, id: row.entry.eventId }
    : { time: row.record.validFrom, stream: 1, id: row.record.id };

/** Who made a change record: the call's caller, a restore's operator, or the reconcile run. */
export function recordCaller(record: ChangeRecord): string | undefined {
  const { event, cause } = record;
  return (
    event?.actorArn ??
    event?.actorPrincipal ??
    cause?.operatorArn ??
    (cause?.reconcileRun === undefined ? undefined : `reconcile run ${cause.reconcileRun}`)
  );
}

const inWindow = (time: string, plan: AuditPlan) =>
  (plan.since === undefined || time >= plan.since) && (plan.until === undefined || time <= plan.until);

function actorMatches(plan: AuditPlan, names: readonly (string | undefined)[]): boolean {
  const { actor } = plan;
  if (actor === undefined) return true;
  if (actor.exact) return names.includes(actor.value);
  const part = actor.value.toLowerCase();
  return names.some((name) => name?.toLowerCase().includes(part));
}

/** Does a trail entry pass every filter (the index's own included: cheap, and keeps one truth)? */
export function trailEntryMatches(entry: TrailEntry, plan: AuditPlan): boolean {
  return (
    (plan.source === undefined || plan.source === 'cloudtrail') &&
    (plan.entity === undefined || entry.entities.includes(plan.entity)) &&
    (plan.events === undefined || plan.events.has(entry.eventName)) &&
    actorMatches(plan, [callerKeyOf(entry), entry.caller.arn, entry.caller.principalId]) &&
    (plan.accessKey === undefined || entry.caller.accessKeyId === plan.accessKey) &&
    (plan.ip === undefined || entry.sourceIp === plan.ip) &&
    (!plan.failed || entry.errorCode !== undefined) &&
    inWindow(entry.eventTime, plan)
  );
}

/** Does a change record pass every filter? Records are never failed calls. */
export function recordMatches(record: ChangeRecord, plan: AuditPlan): boolean {
  const { event, cause } = record;
  return (
    !plan.failed &&
    (plan.source === undefined || record.source === plan.source) &&
    (plan.entity === undefined || record.entity === plan.entity) &&
    (plan.events === undefined || (event !== undefined && plan.events.has(event.name))) &&
    actorMatches(plan, [event?.actorArn, event?.actorPrincipal, cause?.operatorArn]) &&
    (plan.accessKey === undefined || cause?.operatorAccessKeyId === plan.accessKey) &&
    (plan.ip === undefined || event?.sourceIp === plan.ip) &&
    inWindow(record.validFrom, plan)
  );
}

/** The row of a pending item, once its change records are known. */
export function auditRowOf(pending: PendingRow, changes: AuditChange[], missing: string[]): AuditRow {
  if (pending.from === 'log') {
    const { record } = pending;
    const caller = recordCaller(record);
    const accessKeyId = record.cause?.operatorAccessKeyId;
    return {
      position: positionOf(pending),
      time: record.validFrom,
      source: record.source,
      ...(record.event === undefined ? {} : { event: record.event.name }),
      ...(caller === undefined ? {} : { caller }),
      ...(accessKeyId === undefined ? {} : { accessKeyId }),
      ...(record.event?.sourceIp === undefined ? {} : { sourceIp: record.event.sourceIp }),
      entities: [record.entity],
      changes,
      missing,
    };
  }
  const { entry } = pending;
  return {
    position: positionOf(pending),
    time: entry.eventTime,
    source: 'cloudtrail',
    event: entry.eventName,
    caller: callerKeyOf(entry),
    ...(entry.caller.accessKeyId === undefined ? {} : { accessKeyId: entry.caller.accessKeyId }),
    ...(entry.sourceIp === undefined ? {} : { sourceIp: entry.sourceIp }),
    entities: entry.entities,
    changes,
    missing,
    ...(entry.errorCode === undefined ? {} : { errorCode: entry.errorCode }),
    outcome: entry.outcome,
    ...(entry.reason === undefined ? {} : { reason: entry.reason }),
  };
}

/** The change column: each record's words (prefixed by its entity when a row spans several), or why none. */
export function rowWords(row: AuditRow): string {
  if (row.errorCode !== undefined) return `failed: ${row.errorCode}`;
  const several = new Set(row.changes.map((change) => change.entity)).size > 1;
  const words = row.changes.map((change) => {
    const text = change.words.join(', ') || 'no visible change';
    return several ? `${change.entity}: ${text}` : text;
  });
  for (const id of row.missing) words.push(`change ${id} not in the log`);
  if (words.length > 0) return words.join('; ');
  if (row.outcome === 'reconcile') return 'left to the next reconcile';
  if (row.outcome === 'unchanged') return 'no change';
  return '';
}
