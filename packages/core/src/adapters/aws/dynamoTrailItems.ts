/**
 * Items of the event trail in the change log's table, and their keys (design: package README, "Event
 * trail items"):
 *
 *   entry     pk T#<pool>#<eventId>    sk T     entry (JSON without personal data), poolId eventId eventTime
 *                                               (copies, checked on read), writer, personal (has a P item)
 *             tlPk T#<pool>              tlSk <eventTime>#<eventId>   GSI timeline: by time
 *             acPk T#<pool>#<caller key>                              GSI byActor: by caller
 *             evPk T#<pool>#<eventName>                               GSI byEvent: by event name
 *   personal  pk T#<pool>#<eventId>    sk P     sourceIp, userAgent, expiresAt (TTL, epoch seconds)
 *             tlPk TP#<pool>             tlSk <eventTime>#<eventId>   GSI timeline: what to forget
 *   entity    pk TE#<pool>#<entity>    sk <eventTime>#<eventId>       eventId, eventTime: by entity
 *
 * The change log's items start `R#`, `E#`, `S#`, `C#`, and its index partitions are a bare pool id or
 * `<pool>#…`, so `T`-prefixed keys never meet them (a pool id is `<region>_<id>`, never `T` or `TP`).
 * Pool ids hold no `#`, so each prefix ends where the pool id does; what follows (an event id, a caller, an
 * entity key) may hold anything. Times are canonical, so `<eventTime>#<eventId>` sorts in trail order:
 * the time decides within its fixed 24 characters, the id in UTF-8 byte order after the `#`.
 */
import { TrailCorruptError } from '../../errors.js';
import type { TrailEntry } from '../../trail/trailEntry.js';
import type { TrailIndexChoice, TrailPosition, TrailWindow } from '../../trail/trailQuery.js';
import {
  callerKeyOf,
  type PersonalData,
  parsePersonalData,
  trailEntryFromStored,
} from '../../trail/trailSchema.js';
import type { KeyCondition } from './dynamoItems.js';
import { INDEX } from './dynamoTable.js';

export const ENTRY_SK = 'T';
export const PERSONAL_SK = 'P';

const eventPk = (poolId: string, eventId: string): string => `T#${poolId}#${eventId}`;
export const entryKey = (poolId: string, eventId: string) => ({ pk: eventPk(poolId, eventId), sk: ENTRY_SK });
export const personalKey = (poolId: string, eventId: string) => ({
  pk: eventPk(poolId, eventId),
  sk: PERSONAL_SK,
});
export const eventPartition = eventPk;

/** The sort key of every trail index: trail order as string order. */
export const trailSortKey = (position: TrailPosition): string => `${position.eventTime}#${position.eventId}`;

export const entityIndexKey = (poolId: string, entity: string, position: TrailPosition) => ({
  pk: `TE#${poolId}#${entity}`,
  sk: trailSortKey(position),
});

/** Where one index of one pool lives: a GSI partition, or (entities) a partition of the table itself. */
export interface TrailPartition {
  index?: string;
  partitionKey: string;
  sortKey: string;
  value: string;
}

export function trailPartition(poolId: string, choice: TrailIndexChoice): TrailPartition {
  switch (choice.by) {
    case 'time':
      return { index: INDEX.timeline, partitionKey: 'tlPk', sortKey: 'tlSk', value: `T#${poolId}` };
    case 'caller':
      return {
        index: INDEX.byActor,
        partitionKey: 'acPk',
        sortKey: 'tlSk',
        value: `T#${poolId}#${choice.value}`,
      };
    case 'eventName':
      return {
        index: INDEX.byEvent,
        partitionKey: 'evPk',
        sortKey: 'tlSk',
        value: `T#${poolId}#${choice.value}`,
      };
    case 'entity':
      return { partitionKey: 'pk', sortKey: 'sk', value: `TE#${poolId}#${choice.value}` };
  }
}

/** The partition of the personal items of a pool, in the timeline GSI. */
export const personalPartition = (poolId: string): string => `TP#${poolId}`;

/** No sort key is `<time>$…`: `$` follows `#`, so this is past every key of that instant. */
const pastInstant = (time: string): string => `${time}$`;

/**
 * The key condition selecting a window: since (inclusive) and the cursor (a lower bound the query
 * includes, so its own entry must be dropped from the answer), until (inclusive); `empty` when nothing
 * can match.
 */
export function windowCondition(partition: TrailPartition, window: TrailWindow): KeyCondition | 'empty' {
  const lows = [
    ...(window.since === undefined ? [] : [`${window.since}#`]),
    ...(window.after === undefined ? [] : [trailSortKey(window.after)]),
  ];
  // Candidates differ within the ASCII time, or one is a prefix of the other: JavaScript's order is DynamoDB's.
  const low = lows.sort().at(-1);
  const high = window.until === undefined ? undefined : pastInstant(window.until);
  const { partitionKey: pk, sortKey: sk } = partition;
  const values: Record<string, string> = { ':partition': partition.value };
  let range = '';
  if (low !== undefined && high !== undefined) {
    if (low > high) return 'empty';
    range = ` AND ${sk} BETWEEN :low AND :high`;
    Object.assign(values, { ':low': low, ':high': high });
  } else if (low !== undefined) {
    range = ` AND ${sk} >= :low`;
    values[':low'] = low;
  } else if (high !== undefined) {
    range = ` AND ${sk} < :high`;
    values[':high'] = high;
  }
  return { expression: `${pk} = :partition${range}`, values };
}

/** The condition of the personal items whose event is before `bound`: forgetting walks only those. */
export const beforeCondition = (poolId: string, bound: string): KeyCondition => ({
  expression: 'tlPk = :partition AND tlSk < :bound',
  values: { ':partition': personalPartition(poolId), ':bound': `${bound}#` },
});

export function entryItem(
  entry: TrailEntry,
  kept: Omit<TrailEntry, 'sourceIp' | 'userAgent'>,
  writer: string,
  hasPersonal: boolean,
): Record<string, unknown> & { pk: string; sk: string } {
  const { poolId, eventId, eventTime } = entry;
  return {
    ...entryKey(poolId, eventId),
    tlPk: `T#${poolId}`,
    tlSk: trailSortKey(entry),
    acPk: trailPartition(poolId, { by: 'caller', value: callerKeyOf(entry) }).value,
    evPk: trailPartition(poolId, { by: 'eventName', value: entry.eventName }).value,
    poolId,
    eventId,
    eventTime,
    writer,
    personal: hasPersonal,
    entry: JSON.stringify(kept),
  };
}

export function personalItem(
  entry: TrailEntry,
  personal: PersonalData,
  expiresAt: number | undefined,
): Record<string, unknown> {
  return {
    ...personalKey(entry.poolId, entry.eventId),
    tlPk: personalPartition(entry.poolId),
    tlSk: trailSortKey(entry),
    ...personal,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

export const entityItems = (entry: TrailEntry): Record<string, unknown>[] =>
  entry.entities.map((entity) => ({
    ...entityIndexKey(entry.poolId, entity, entry),
    eventId: entry.eventId,
    eventTime: entry.eventTime,
  }));

const whereOf = (tableName: string, item: Record<string, unknown>): string =>
  `table ${tableName} item ${JSON.stringify(item.pk)} ${JSON.stringify(item.sk)}`;

const stringAt = (item: Record<string, unknown>, name: string, where: string): string => {
  const value = item[name];
  if (typeof value !== 'string') throw new TrailCorruptError(where, `the item has no string ${name}`);
  return value;
};

/** The position an entity index item points at; an item without one is damage. */
export function positionOfIndexItem(item: Record<string, unknown>, tableName: string): TrailPosition {
  const where = whereOf(tableName, item);
  return { eventTime: stringAt(item, 'eventTime', where), eventId: stringAt(item, 'eventId', where) };
}

/**
 * The entry an entry item holds, joined with its personal item when there is one, validated: it must
 * parse, and agree with the item's copies and key. Anything else is `TrailCorruptError`, never skipped.
 */
export function entryOfItem(
  item: Record<string, unknown>,
  personal: Record<string, unknown> | undefined,
  tableName: string,
): TrailEntry {
  const where = whereOf(tableName, item);
  const place = {
    poolId: stringAt(item, 'poolId', where),
    eventId: stringAt(item, 'eventId', where),
    eventTime: stringAt(item, 'eventTime', where),
  };
  const entry = trailEntryFromStored(
    stringAt(item, 'entry', where),
    where,
    personalDataOf(personal, tableName),
    place,
  );
  if (item.pk !== eventPk(entry.poolId, entry.eventId))
    throw new TrailCorruptError(where, `the key does not name event ${JSON.stringify(entry.eventId)}`);
  return entry;
}

function personalDataOf(item: Record<string, unknown> | undefined, tableName: string): PersonalData {
  if (item === undefined) return {};
  const { sourceIp, userAgent } = item;
  return parsePersonalData(
    { ...(sourceIp === undefined ? {} : { sourceIp }), ...(userAgent === undefined ? {} : { userAgent }) },
    whereOf(tableName, item),
  );
}
