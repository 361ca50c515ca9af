import { z } from 'zod';
import { isCanonicalTime } from '../changes/canonicalTime.js';
import { InvalidInputError, TrailCorruptError } from '../errors.js';
import { compareKeys } from '../model/entityKey.js';
import { POOL_ID_PATTERN } from '../model/poolId.js';
import { describeIssue, entityKeySchema } from '../model/schemaParts.js';
import type { TrailEntry, TrailOutcome } from './trailEntry.js';

/**
 * Zod schema of a stored trail entry, and the checks every `EventTrail` adapter runs before it stores
 * one: nothing read back is trusted before it parses, and nothing is stored that would not.
 */

export const TRAIL_OUTCOMES = [
  'changed',
  'unchanged',
  'reconcile',
  'failed',
  'ignored',
] as const satisfies readonly TrailOutcome[];

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
/** A UTF-16 half without its other half: not encodable as UTF-8, so DynamoDB and file names would garble it. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Limits that keep every entry storable everywhere: index values become DynamoDB keys (a partition key
 * holds at most 2,048 bytes, a sort key 1,024) and file names; the whole entry stays far below
 * DynamoDB's 400 KB item.
 */
export const TRAIL_LIMITS = {
  eventIdBytes: 512,
  /** Each caller key, event name and entity key. */
  indexValueBytes: 1024,
  entities: 1000,
  entryBytes: 64 * 1024,
} as const;

export const isWellFormedText = (value: string): boolean => !LONE_SURROGATE.test(value);

const encoder = new TextEncoder();
const utf8Bytes = (value: string): number => encoder.encode(value).length;

const time = z.string().refine(isCanonicalTime, 'not a canonical time (YYYY-MM-DDTHH:mm:ss.sssZ)');
/** Every string is non-empty: capture leaves out what CloudTrail left empty, so "absent" has one spelling. */
const text = z.string().min(1).refine(isWellFormedText, 'holds a lone surrogate (not UTF-8)');
const optionalText = text.optional();

const sortedUnique = (keys: readonly string[]): boolean =>
  keys.every((key, i) => i === 0 || compareKeys(keys[i - 1] ?? '', key) < 0);

export const trailEntrySchema = z
  .strictObject({
    eventId: text,
    poolId: z.string().regex(POOL_ID_PATTERN, 'not a user pool id'),
    eventTime: time,
    receivedAt: time,
    eventName: text,
    eventType: text,
    caller: z.strictObject({
      arn: optionalText,
      type: optionalText,
      principalId: optionalText,
      accessKeyId: optionalText,
    }),
    sourceIp: optionalText,
    userAgent: optionalText,
    errorCode: optionalText,
    entities: z
      .array(entityKeySchema.refine(isWellFormedText, 'holds a lone surrogate (not UTF-8)'))
      .refine(sortedUnique, 'not sorted (UTF-8 byte order) and unique'),
    subjectSub: optionalText,
    outcome: z.enum(TRAIL_OUTCOMES),
    changeIds: z.array(z.string().regex(ULID, 'not a ULID')),
    reason: optionalText,
  })
  .superRefine((entry, ctx) => {
    // A refused call changed nothing, and only a refused call has an error code.
    if ((entry.outcome === 'failed') !== (entry.errorCode !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['outcome'],
        message: "is 'failed' exactly when errorCode is set",
      });
    if ((entry.outcome === 'changed') !== entry.changeIds.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['changeIds'],
        message: "names the change records exactly when the outcome is 'changed'",
      });
  });

/** The caller key an entry is indexed under: its ARN, else its principal id, else `unknown`. */
export const callerKeyOf = (entry: Pick<TrailEntry, 'caller'>): string =>
  entry.caller.arn ?? entry.caller.principalId ?? 'unknown';

export function checkTrailPoolId(poolId: string): void {
  if (typeof poolId !== 'string' || !POOL_ID_PATTERN.test(poolId))
    throw new InvalidInputError(`pool id ${JSON.stringify(poolId)} is not a user pool id`);
}

/**
 * An entry read back from `where` (a file, a table item), validated. An entry that does not parse is
 * damage to report, naming where it was and which event it claims to be.
 */
export function parseStoredEntry(value: unknown, where: string): TrailEntry {
  const parsed = trailEntrySchema.safeParse(value);
  if (parsed.success) return parsed.data as TrailEntry;
  const eventId = (value as { eventId?: unknown } | null)?.eventId;
  const named = typeof eventId === 'string' ? `the entry of event ${JSON.stringify(eventId)} ` : 'the entry ';
  throw new TrailCorruptError(where, `${named}is not a valid trail entry (${describeIssue(parsed.error)})`);
}

/** What every adapter refuses before storing anything: an entry it could not store or read back. */
export function checkRecordable(entry: TrailEntry): void {
  const refuse = (why: string) =>
    new InvalidInputError(
      `trail entry ${JSON.stringify((entry as { eventId?: unknown } | null)?.eventId)} cannot be recorded: ${why}`,
    );
  const parsed = trailEntrySchema.safeParse(entry);
  if (!parsed.success) throw refuse(describeIssue(parsed.error));
  const tooLong = (what: string, value: string, limit: number) => {
    if (utf8Bytes(value) > limit) throw refuse(`${what} is longer than ${limit} bytes`);
  };
  tooLong('eventId', entry.eventId, TRAIL_LIMITS.eventIdBytes);
  tooLong('the caller key', callerKeyOf(entry), TRAIL_LIMITS.indexValueBytes);
  tooLong('eventName', entry.eventName, TRAIL_LIMITS.indexValueBytes);
  for (const entity of entry.entities) tooLong(`entity ${entity}`, entity, TRAIL_LIMITS.indexValueBytes);
  if (entry.entities.length > TRAIL_LIMITS.entities)
    throw refuse(`it names ${entry.entities.length} entities, more than ${TRAIL_LIMITS.entities}`);
  tooLong('the entry as JSON', JSON.stringify(entry), TRAIL_LIMITS.entryBytes);
}

/** The personal data of an entry: what `forgetPersonalData` drops, stored apart so it can be. */
export interface PersonalData {
  sourceIp?: string;
  userAgent?: string;
}

/** An entry without its personal data, and that data (undefined when it has none). */
export function splitPersonalData(entry: TrailEntry): {
  kept: Omit<TrailEntry, 'sourceIp' | 'userAgent'>;
  personal: PersonalData | undefined;
} {
  const { sourceIp, userAgent, ...kept } = entry;
  const personal: PersonalData = {
    ...(sourceIp === undefined ? {} : { sourceIp }),
    ...(userAgent === undefined ? {} : { userAgent }),
  };
  return { kept, personal: Object.keys(personal).length === 0 ? undefined : personal };
}

/**
 * The stored personal data read back from `where`: an object of the two optional strings, or damage.
 * (The merged entry is validated again by `parseStoredEntry`; this only names the right place.)
 */
export function parsePersonalData(value: unknown, where: string): PersonalData {
  const parsed = z.strictObject({ sourceIp: optionalText, userAgent: optionalText }).safeParse(value);
  if (parsed.success) return parsed.data;
  throw new TrailCorruptError(where, `the personal data is not valid (${describeIssue(parsed.error)})`);
}

/** An event id as `get` takes it: what `record` would have accepted. */
export function checkTrailEventId(eventId: string): void {
  if (
    typeof eventId !== 'string' ||
    eventId === '' ||
    !isWellFormedText(eventId) ||
    utf8Bytes(eventId) > TRAIL_LIMITS.eventIdBytes
  )
    throw new InvalidInputError(`event id ${JSON.stringify(eventId)} is not one a trail can hold`);
}

/** What the place an entry was read from says about it: a stored entry must agree. */
export type TrailEntryPlace = Partial<Pick<TrailEntry, 'poolId' | 'eventId' | 'eventTime'>>;

/**
 * The entry stored at `where` as JSON without its personal data, joined with that data (stored apart)
 * and validated. Text that is not a JSON object, that holds personal data itself (it could then never
 * be forgotten), or that disagrees with the place it was found at (its key, its file) is damage.
 */
export function trailEntryFromStored(
  json: string,
  where: string,
  personal: PersonalData = {},
  place: TrailEntryPlace = {},
): TrailEntry {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new TrailCorruptError(where, 'the entry is not JSON', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TrailCorruptError(where, 'the entry is not a JSON object');
  if ('sourceIp' in value || 'userAgent' in value)
    throw new TrailCorruptError(where, 'the entry holds personal data that belongs in its own record');
  const entry = parseStoredEntry({ ...value, ...personal }, where);
  for (const name of ['poolId', 'eventId', 'eventTime'] as const) {
    const expected = place[name];
    if (expected !== undefined && entry[name] !== expected)
      throw new TrailCorruptError(
        where,
        `the entry says ${name} ${JSON.stringify(entry[name])} where ${JSON.stringify(expected)} is stored`,
      );
  }
  return entry;
}
