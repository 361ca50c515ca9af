import type { ChangeRecord } from '../changes/changeRecord.js';
import type { EntityKey } from '../model/entityKey.js';
import type { ChangeLog, EventTrail } from '../ports.js';
import type { TrailQuery } from '../trail/trailEntry.js';
import { compareAuditPositions, encodeAuditCursor } from './auditCursor.js';
import type { AuditPlan } from './auditQuery.js';
import {
  type AuditChange,
  type AuditRow,
  auditRowOf,
  type PendingRow,
  positionOf,
  recordMatches,
  trailEntryMatches,
} from './auditRow.js';
import { HistoryWalker } from './historyWalker.js';

/**
 * Runs an audit query: rows in one time order, a page at a time, so the first page prints while the
 * rest is read and memory holds one page.
 *
 * Two streams merge (see `AuditPosition` for the order):
 * - the event trail: every call capture received, successful or failed, read through the plan's one
 *   index with the other filters applied to the entries it streams;
 * - the change log, for records no call explains (`reconcile`, `restore`, `import`): read by the
 *   entity's own history when the query names an entity, else through the timeline index bounded by
 *   --since/--until. Records with source `cloudtrail` come through their trail entry instead (the
 *   entry names them by `changeIds`), so no change is shown twice. A store without a trail (the bucket
 *   alone) gives every row from the change log.
 * The change log side is skipped when no such record can match: --failed, --source cloudtrail, --event
 * (those records carry no Cognito event name) and --ip (nor a source address).
 */
export interface AuditReads {
  changeLog: ChangeLog;
  trail?: EventTrail;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Present when --limit stopped the query and more rows follow: pass it as --cursor to continue. */
  cursor?: string;
}

const ONE_MS = 1;
const earlier = (time: string) => new Date(Date.parse(time) - ONE_MS).toISOString();
const later = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;

function trailQueryOf(plan: AuditPlan, pageSize: number): TrailQuery {
  const since = later(plan.since, plan.after?.time);
  const { index } = plan;
  return {
    limit: pageSize,
    ...(since === undefined ? {} : { since }),
    ...(plan.until === undefined ? {} : { until: plan.until }),
    ...(index.by === 'entity' ? { entity: index.value } : {}),
    ...(index.by === 'eventName' ? { eventName: index.value } : {}),
    ...(index.by === 'caller' ? { caller: index.value } : {}),
  };
}

const afterCursor = (row: PendingRow, plan: AuditPlan) =>
  plan.after === undefined || compareAuditPositions(positionOf(row), plan.after) > 0;

async function* trailRows(
  trail: EventTrail,
  poolId: string,
  plan: AuditPlan,
  pageSize: number,
): AsyncGenerator<PendingRow> {
  if (plan.source !== undefined && plan.source !== 'cloudtrail') return;
  const query = trailQueryOf(plan, pageSize);
  let cursor: string | undefined;
  do {
    const page = await trail.query(poolId, cursor === undefined ? query : { ...query, cursor });
    for (const entry of page.entries) {
      const row: PendingRow = { from: 'trail', entry };
      if (trailEntryMatches(entry, plan) && afterCursor(row, plan)) yield row;
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
}

const byPosition = (a: ChangeRecord, b: ChangeRecord) =>
  compareAuditPositions(positionOf({ from: 'log', record: a }), positionOf({ from: 'log', record: b }));

/** Can a record no call explains match at all? Such records carry no Cognito event name nor source IP. */
function logSideApplies(plan: AuditPlan, withCloudtrail: boolean): boolean {
  if (plan.failed) return false;
  const onlyCalls = plan.source === 'cloudtrail' || plan.events !== undefined || plan.ip !== undefined;
  return withCloudtrail || !onlyCalls;
}

function timelineRange(plan: AuditPlan) {
  const since = later(plan.since, plan.after?.time);
  // The timeline's lower bound is exclusive; canonical times are whole milliseconds.
  return {
    ...(since === undefined ? {} : { after: earlier(since) }),
    ...(plan.until === undefined ? {} : { upTo: plan.until }),
  };
}

async function* logRows(
  changeLog: ChangeLog,
  poolId: string,
  plan: AuditPlan,
  withCloudtrail: boolean,
): AsyncGenerator<PendingRow> {
  if (!logSideApplies(plan, withCloudtrail)) return;
  const wanted = (record: ChangeRecord) =>
    (withCloudtrail || record.source !== 'cloudtrail') &&
    recordMatches(record, plan) &&
    afterCursor({ from: 'log', record }, plan);
  if (plan.entity !== undefined) {
    // One entity's history is in version order; the audit's order is time. One entity's records are
    // few enough to sort in memory (the same bound `head` and capture already live with).
    const records: ChangeRecord[] = [];
    for await (const record of changeLog.entityHistory(poolId, plan.entity))
      if (wanted(record)) records.push(record);
    for (const record of records.sort(byPosition)) yield { from: 'log', record };
    return;
  }
  for await (const record of changeLog.timeline(poolId, timelineRange(plan)))
    if (wanted(record)) yield { from: 'log', record };
}

/** Merges two streams already in audit order into one; stopping early closes both (their reads, their files). */
async function* merge(
  a: AsyncGenerator<PendingRow>,
  b: AsyncGenerator<PendingRow>,
): AsyncGenerator<PendingRow> {
  try {
    let [left, right] = await Promise.all([a.next(), b.next()]);
    while (!left.done || !right.done) {
      const takeLeft =
        right.done ||
        (!left.done && compareAuditPositions(positionOf(left.value), positionOf(right.value)) <= 0);
      if (takeLeft && !left.done) {
        yield left.value;
        left = await a.next();
      } else if (!right.done) {
        yield right.value;
        right = await b.next();
      }
    }
  } finally {
    await Promise.all([a.return(undefined), b.return(undefined)]);
  }
}

/** The record ids each entity's history must give for a page's rows. */
function wantedIds(rows: readonly PendingRow[]): Map<EntityKey, Set<string>> {
  const wanted = new Map<EntityKey, Set<string>>();
  const want = (entity: EntityKey, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const set = wanted.get(entity) ?? new Set<string>();
    for (const id of ids) set.add(id);
    wanted.set(entity, set);
  };
  for (const row of rows) {
    if (row.from === 'log') want(row.record.entity, [row.record.id]);
    // A trail entry names its records but not their entities: each is one of the entry's entities.
    else for (const entity of row.entry.entities) want(entity, row.entry.changeIds);
  }
  return wanted;
}

/** The change records a page's rows name, each in words. */
async function changesOf(
  walker: HistoryWalker,
  rows: readonly PendingRow[],
): Promise<Map<string, AuditChange>> {
  const found = new Map<string, AuditChange>();
  for (const [entity, ids] of wantedIds(rows)) await walker.find(entity, ids, found);
  return found;
}

async function rowsOf(walker: HistoryWalker, pending: readonly PendingRow[]) {
  const found = await changesOf(walker, pending);
  return pending.map((row) => {
    const ids = row.from === 'log' ? [row.record.id] : row.entry.changeIds;
    const changes = ids.flatMap((id) => found.get(id) ?? []);
    return auditRowOf(
      row,
      changes,
      ids.filter((id) => !found.has(id)),
    );
  });
}

/** The rows of an audit query, page by page; stops at the plan's limit with a cursor when more follow. */
export async function* auditPages(
  reads: AuditReads,
  poolId: string,
  plan: AuditPlan,
  { pageSize = 100 }: { pageSize?: number } = {},
): AsyncGenerator<AuditPage> {
  const none = (async function* (): AsyncGenerator<PendingRow> {})();
  const fromTrail = reads.trail === undefined ? none : trailRows(reads.trail, poolId, plan, pageSize);
  const fromLog = logRows(reads.changeLog, poolId, plan, reads.trail === undefined);
  const walker = new HistoryWalker(reads.changeLog, poolId);
  let batch: PendingRow[] = [];
  let lastYielded: PendingRow | undefined;
  let count = 0;
  try {
    for await (const row of merge(fromTrail, fromLog)) {
      if (plan.limit !== undefined && count === plan.limit) {
        const last = batch.at(-1) ?? lastYielded;
        const rows = await rowsOf(walker, batch);
        yield { rows, ...(last === undefined ? {} : { cursor: encodeAuditCursor(positionOf(last)) }) };
        return;
      }
      batch.push(row);
      count++;
      if (batch.length === pageSize) {
        lastYielded = row;
        yield { rows: await rowsOf(walker, batch) };
        batch = [];
      }
    }
    if (batch.length > 0) yield { rows: await rowsOf(walker, batch) };
  } finally {
    await walker.close();
  }
}
