import { CATALOGUED_EVENT_NAMES } from '../capture/eventCatalogue.js';
import { UNCAPTURED_EVENTS } from '../capture/uncapturedEvents.js';
import { canonicalTime } from '../changes/canonicalTime.js';
import { CHANGE_SOURCES, type ChangeSource } from '../changes/changeRecord.js';
import { InvalidInputError } from '../errors.js';
import { type EntityKey, entityKey, parseEntityKey } from '../model/entityKey.js';
import { type AuditPosition, decodeAuditCursor } from './auditCursor.js';

/**
 * The audit query model: what `restore-cli audit` filters by, checked before anything is read, and the
 * one index each query reads. Pure: no store, no clock.
 */

/** The filters as given (the CLI's flags). `user`, `group` and `entity` name one entity each. */
export interface AuditFilter {
  /** An entity key already resolved (`user:alice`): a `--user` given as a sub is resolved by the caller. */
  entity?: EntityKey;
  /** A full ARN matches that caller exactly; anything else matches callers whose ARN or principal id contains it. */
  actor?: string;
  accessKey?: string;
  events?: readonly string[];
  ip?: string;
  source?: string;
  failed?: boolean;
  since?: string;
  until?: string;
  /** At most this many rows; undefined: all of them. */
  limit?: number;
  cursor?: string;
}

/**
 * The one index a query reads, most selective first: an entity (its own partition), one event name, one
 * exact caller, else time. Whatever the index does not cover is a filter on the rows it streams.
 */
export type AuditIndex =
  | { by: 'entity'; value: EntityKey }
  | { by: 'eventName'; value: string }
  | { by: 'caller'; value: string }
  | { by: 'time' };

export interface AuditPlan {
  index: AuditIndex;
  entity?: EntityKey;
  actor?: { value: string; exact: boolean };
  accessKey?: string;
  events?: ReadonlySet<string>;
  ip?: string;
  source?: ChangeSource;
  failed: boolean;
  /** Inclusive canonical bounds on the row's time. */
  since?: string;
  until?: string;
  limit?: number;
  /** Rows strictly after this position (a cursor from an earlier page). */
  after?: AuditPosition;
}

/** Every event name the audit knows: those capture records and those it deliberately leaves out. */
export const KNOWN_EVENT_NAMES: ReadonlySet<string> = new Set([
  ...CATALOGUED_EVENT_NAMES,
  ...Object.keys(UNCAPTURED_EVENTS),
]);

export const AUDIT_LIMIT_MAX = 1_000_000;

/**
 * A complete ARN (`arn:partition:service:region:account:resource`). Only such a value can use the
 * caller index: DynamoDB's Query needs the whole partition key value, and each caller is its own
 * partition, so a part of an ARN could only be found by reading every partition (a Scan). A part is
 * matched on the time index instead, bounded by --since/--until.
 */
const FULL_ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

const text = (flag: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidInputError(`${flag} needs a non-empty value`);
  return value.trim();
};

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * A bound: a date (midnight UTC) or an ISO-8601 date-time with a zone, as a canonical time. A time
 * without a zone is refused rather than guessed: whose 10:00 would it be?
 */
function bound(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/i.test(text))
    throw new InvalidInputError(`${flag} ${value} has no time zone: add Z for UTC or an offset like +02:00`);
  const millis = ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(millis))
    throw new InvalidInputError(
      `${flag} ${JSON.stringify(value)} is not an ISO-8601 time (try 2024-06-01T10:00Z or 2024-06-01)`,
    );
  return canonicalTime(text);
}

function eventsOf(events: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (events === undefined || events.length === 0) return undefined;
  const unknown = events.filter((name) => !KNOWN_EVENT_NAMES.has(name));
  if (unknown.length > 0)
    throw new InvalidInputError(
      `--event ${unknown.join(', ')}: not a Cognito user pool event name (names are case-sensitive, e.g. AdminDeleteUser)`,
    );
  return new Set(events);
}

function sourceOf(source: string | undefined): ChangeSource | undefined {
  if (source === undefined) return undefined;
  if (!(CHANGE_SOURCES as readonly string[]).includes(source))
    throw new InvalidInputError(`--source ${source} is not one of ${CHANGE_SOURCES.join(', ')}`);
  return source as ChangeSource;
}

function limitOf(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_LIMIT_MAX)
    throw new InvalidInputError(`--limit ${limit} is not a whole number from 1 to ${AUDIT_LIMIT_MAX}`);
  return limit;
}

function indexOf(plan: Omit<AuditPlan, 'index'>): AuditIndex {
  if (plan.entity !== undefined) return { by: 'entity', value: plan.entity };
  // Several event names are several partitions: one index per query means the time index, filtered.
  if (plan.events?.size === 1) return { by: 'eventName', value: [...plan.events][0] as string };
  if (plan.actor?.exact) return { by: 'caller', value: plan.actor.value };
  return { by: 'time' };
}

/** Checks the filters; `InvalidInputError` (exit 2) names the first thing wrong, before any read. */
export function checkAuditQuery(filter: AuditFilter): AuditPlan {
  const entity = text('--entity', filter.entity);
  if (entity !== undefined) parseEntityKey(entity);
  const actor = text('--actor', filter.actor);
  const since = bound('--since', filter.since);
  const until = bound('--until', filter.until);
  if (since !== undefined && until !== undefined && since > until)
    throw new InvalidInputError(`--since ${since} is after --until ${until}`);
  const events = eventsOf(filter.events);
  const source = sourceOf(filter.source);
  const limit = limitOf(filter.limit);
  const accessKey = text('--access-key', filter.accessKey);
  const ip = text('--ip', filter.ip);
  const after = filter.cursor === undefined ? undefined : decodeAuditCursor(filter.cursor);
  const plan: Omit<AuditPlan, 'index'> = {
    failed: filter.failed === true,
    ...(entity === undefined ? {} : { entity }),
    ...(actor === undefined ? {} : { actor: { value: actor, exact: FULL_ARN.test(actor) } }),
    ...(accessKey === undefined ? {} : { accessKey }),
    ...(events === undefined ? {} : { events }),
    ...(ip === undefined ? {} : { ip }),
    ...(source === undefined ? {} : { source }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(limit === undefined ? {} : { limit }),
    ...(after === undefined ? {} : { after }),
  };
  return { ...plan, index: indexOf(plan) };
}

/** The entity a `--user`, `--group` or `--entity` flag names; at most one of them. */
export function entityOfFlags(flags: {
  user?: string;
  group?: string;
  entity?: string;
}): EntityKey | undefined {
  const given = (['user', 'group', 'entity'] as const).filter((name) => flags[name] !== undefined);
  if (given.length > 1)
    throw new InvalidInputError(
      `--${given.join(' and --')}: give one of --user, --group, --entity (each names one entity)`,
    );
  if (flags.group !== undefined) return entityKey('group', text('--group', flags.group) as string);
  if (flags.entity !== undefined) {
    const key = text('--entity', flags.entity) as string;
    parseEntityKey(key);
    return key;
  }
  return undefined;
}
