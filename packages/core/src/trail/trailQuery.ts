import { canonicalTime, isCanonicalTime } from '../changes/canonicalTime.js';
import { InvalidInputError } from '../errors.js';
import { compareUtf8, type EntityKey, parseEntityKey } from '../model/entityKey.js';
import type { TrailEntry, TrailPage, TrailQuery } from './trailEntry.js';
import { callerKeyOf, isWellFormedText } from './trailSchema.js';

/**
 * What every `EventTrail` adapter shares about queries: checking one, the order of entries, and the
 * cursor. A cursor is the position of the last entry a page returned; the next page starts strictly
 * after it. Positions are totally ordered and unique (one entry per event id), so walking pages sees
 * every entry exactly once, whatever is recorded meanwhile before or after the cursor.
 */

export const TRAIL_PAGE_SIZE = { default: 100, max: 1000 } as const;

/** Where an entry sits in every trail order: by eventTime, then by event id (UTF-8 byte order). */
export interface TrailPosition {
  eventTime: string;
  eventId: string;
}

/** The one index a query reads. */
export type TrailIndexChoice =
  | { by: 'time' }
  | { by: 'caller'; value: string }
  | { by: 'eventName'; value: string }
  | { by: 'entity'; value: EntityKey };

/** A checked query: its index, canonical inclusive bounds, where the previous page ended, a page size. */
export interface TrailWindow {
  index: TrailIndexChoice;
  since?: string;
  until?: string;
  /** The cursor: only positions strictly after it. */
  after?: TrailPosition;
  limit: number;
}

const filterValue = (name: string, value: unknown): string => {
  if (typeof value !== 'string' || value === '' || !isWellFormedText(value))
    throw new InvalidInputError(`trail query ${name} ${JSON.stringify(value)} is not a non-empty string`);
  return value;
};

function indexOf(query: TrailQuery): TrailIndexChoice {
  const given = (['caller', 'eventName', 'entity'] as const).filter((name) => query[name] !== undefined);
  if (given.length > 1)
    throw new InvalidInputError(
      `a trail query filters by at most one of caller, eventName, entity (each is one index); got ${given.join(', ')}`,
    );
  if (query.caller !== undefined) return { by: 'caller', value: filterValue('caller', query.caller) };
  if (query.eventName !== undefined)
    return { by: 'eventName', value: filterValue('eventName', query.eventName) };
  if (query.entity !== undefined) {
    const entity = filterValue('entity', query.entity);
    parseEntityKey(entity);
    return { by: 'entity', value: entity };
  }
  return { by: 'time' };
}

function limitOf(limit: unknown): number {
  if (limit === undefined) return TRAIL_PAGE_SIZE.default;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > TRAIL_PAGE_SIZE.max)
    throw new InvalidInputError(
      `trail query limit ${limit} is not an integer from 1 to ${TRAIL_PAGE_SIZE.max}`,
    );
  return limit;
}

/** Checks a query; `InvalidInputError` names what is wrong before any store is read. */
export function checkTrailQuery(query: TrailQuery = {}): TrailWindow {
  if (typeof query !== 'object' || query === null) throw new InvalidInputError('a trail query is an object');
  const since = query.since === undefined ? undefined : canonicalTime(query.since);
  const until = query.until === undefined ? undefined : canonicalTime(query.until);
  if (since !== undefined && until !== undefined && since > until)
    throw new InvalidInputError(`trail query since ${since} is after until ${until}`);
  return {
    index: indexOf(query),
    limit: limitOf(query.limit),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(query.cursor === undefined ? {} : { after: decodeTrailCursor(query.cursor) }),
  };
}

export const trailPositionOf = (entry: TrailEntry): TrailPosition => ({
  eventTime: entry.eventTime,
  eventId: entry.eventId,
});

/** Trail order. Canonical times are ASCII of one width, so string order is time order. */
export function compareTrailPositions(a: TrailPosition, b: TrailPosition): number {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime ? -1 : 1;
  return Math.sign(compareUtf8(a.eventId, b.eventId));
}

export const byTrailOrder = (a: TrailEntry, b: TrailEntry): number => compareTrailPositions(a, b);

/** Is the entry one the chosen index holds? */
export function matchesTrailIndex(entry: TrailEntry, index: TrailIndexChoice): boolean {
  switch (index.by) {
    case 'time':
      return true;
    case 'caller':
      return callerKeyOf(entry) === index.value;
    case 'eventName':
      return entry.eventName === index.value;
    case 'entity':
      return entry.entities.includes(index.value);
  }
}

/** Does a position fall within the query's bounds (inclusive) and after its cursor (exclusive)? */
export function inTrailWindow(position: TrailPosition, window: TrailWindow): boolean {
  const { since, until, after } = window;
  return (
    (since === undefined || position.eventTime >= since) &&
    (until === undefined || position.eventTime <= until) &&
    (after === undefined || compareTrailPositions(position, after) > 0)
  );
}

/**
 * A page from entries already in trail order, all in the window: the first `limit`, and a cursor when
 * more follow. Adapters collect `limit + 1` entries, so "is there another page" costs one entry.
 */
export function trailPageOf(ordered: readonly TrailEntry[], limit: number): TrailPage {
  const entries = ordered.slice(0, limit);
  const last = entries.at(-1);
  return ordered.length > limit && last !== undefined
    ? { entries, cursor: encodeTrailCursor(trailPositionOf(last)) }
    : { entries };
}

/** The reference semantics of a query over some entries (all of one pool): what the memory trail does. */
export function queryTrailEntries(entries: Iterable<TrailEntry>, window: TrailWindow): TrailPage {
  const selected = [...entries]
    .filter((entry) => matchesTrailIndex(entry, window.index) && inTrailWindow(entry, window))
    .sort(byTrailOrder);
  return trailPageOf(selected, window.limit);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** base64url of the JSON `[eventTime, eventId]`: opaque, and safe in a URL or a shell argument. */
export function encodeTrailCursor(position: TrailPosition): string {
  let binary = '';
  for (const byte of encoder.encode(JSON.stringify([position.eventTime, position.eventId])))
    binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function decodeTrailCursor(cursor: string): TrailPosition {
  const bad = () => new InvalidInputError(`${JSON.stringify(cursor)} is not a cursor of an event trail page`);
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    value = JSON.parse(decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== 2) throw bad();
  const [eventTime, eventId] = value as unknown[];
  if (typeof eventTime !== 'string' || typeof eventId !== 'string' || eventId === '') throw bad();
  if (!isCanonicalTime(eventTime)) throw bad();
  return { eventTime, eventId };
}
