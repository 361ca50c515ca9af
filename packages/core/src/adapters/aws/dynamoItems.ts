/**
 * Items of the change log table and their keys. Every key is a string built here; times in keys are
 * canonical (fixed width, UTC), so string order is time order, and `~` sorts after every character of
 * a ULID, which turns `(validFrom, id)` bounds into plain sort-key comparisons.
 *
 *   record   pk R#<pool>#<entity>               sk V#<version, 10 digits>
 *            tlPk <pool>  tlSk <validFrom>#<id>  (GSI timeline, LSI entityTime)
 *            apPk <pool>  apSk <recordedAt>#<id> (GSI appended)
 *            acPk <pool>#<actorArn>              (GSI byActor, only with an actor)
 *            evPk <pool>#<event name>            (GSI byEvent)
 *            poolId entity version id validFrom recordedAt eventId: copies of the body's, checked on read
 *            record: the ChangeRecord's JSON, or recordKey: the blob holding it when too large
 *            (and recordSha256: that blob's sha256, checked on every read)
 *   guard    pk E#<pool>#<entity>#<eventId>     sk E      version, id (see dynamoGuard.ts)
 *   snapshot pk S#<pool>                        sk <at>#<snapshotId>   (see dynamoSnapshotCatalog.ts)
 *
 * Pool ids are Cognito's (`us-east-1_AbC123`), never containing `#`, so `R#<pool>#` is an unambiguous
 * prefix whatever the entity key holds.
 */

import { canonicalTime } from '../../changes/canonicalTime.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { TimeRange } from '../../changes/logPosition.js';
import { InvalidInputError, StoreNotInitializedError } from '../../errors.js';
import { largeRecordKey } from '../../layout/storeLayout.js';

export interface RecordItem {
  pk: string;
  sk: string;
  poolId: string;
  entity: string;
  version: number;
  id: string;
  validFrom: string;
  /** The appending adapter's clock when it appended (canonical): what positions compare against. */
  recordedAt: string;
  tlPk: string;
  tlSk: string;
  apPk: string;
  apSk: string;
  acPk?: string;
  evPk?: string;
  /** The CloudTrail event id, so the loser of a race can tell whether the winner holds its event. */
  eventId?: string;
  record?: string;
  recordKey?: string;
  /** With `recordKey`: the sha256 of the body in the bucket, so the table vouches for the bucket's bytes. */
  recordSha256?: string;
}

export interface GuardItem {
  pk: string;
  sk: 'E';
  version: number;
  id: string;
}

const POOL_ID = /^[A-Za-z0-9_.-]+$/;
/** Sort keys hold 10 digits of version; beyond that string order would stop being version order. */
const MAX_VERSION = 9_999_999_999;
/** After every ULID character (0-9, A-Z): `<time>#~` is past every id at that time. */
const PAST_IDS = '#~';
/** DynamoDB's limit on a partition key value. */
const MAX_PARTITION_KEY_BYTES = 2048;

export function checkPoolId(poolId: string): void {
  if (!POOL_ID.test(poolId))
    throw new InvalidInputError(`pool id ${JSON.stringify(poolId)} is not a user pool id`);
}

export const recordPk = (poolId: string, entity: string): string => `R#${poolId}#${entity}`;
export const versionSk = (version: number): string => `V#${String(version).padStart(10, '0')}`;
export const timeSk = (time: string, id: string): string => `${time}#${id}`;

/** `%` and `#` escaped, so `<entity>#<eventId>` splits one way only (CloudTrail's UUIDs are unchanged). */
const escapeHash = (value: string): string => value.replaceAll('%', '%25').replaceAll('#', '%23');

export const guardKey = (poolId: string, entity: string, eventId: string) => ({
  pk: `E#${poolId}#${entity}#${escapeHash(eventId)}`,
  sk: 'E' as const,
});

export const recordKey = (poolId: string, entity: string, version: number) => ({
  pk: recordPk(poolId, entity),
  sk: versionSk(version),
});

/** Where a record too large for an item is kept. */
export const largeRecordBlobKey = (record: ChangeRecord): string => largeRecordKey(record.poolId, record.id);

/** A sparse index key: left out when empty or longer than DynamoDB accepts, so the write never fails. */
const indexKey = (value: string | undefined): string | undefined =>
  value === undefined || value === '' || Buffer.byteLength(value) > MAX_PARTITION_KEY_BYTES
    ? undefined
    : value;

/** The item of a record, without its body (`record` or `recordKey`, chosen by size). */
export function recordItem(record: ChangeRecord, recordedAt: string): RecordItem {
  if (record.version > MAX_VERSION)
    throw new InvalidInputError(
      `change record ${record.id} has version ${record.version}, above ${MAX_VERSION}`,
    );
  const { poolId, entity, version, id, validFrom, event } = record;
  const acPk = indexKey(event?.actorArn && `${poolId}#${event.actorArn}`);
  const evPk = indexKey(event && `${poolId}#${event.name}`);
  return {
    ...recordKey(poolId, entity, version),
    poolId,
    entity,
    version,
    id,
    validFrom,
    recordedAt,
    tlPk: poolId,
    tlSk: timeSk(validFrom, id),
    apPk: poolId,
    apSk: timeSk(recordedAt, id),
    ...(acPk === undefined ? {} : { acPk }),
    ...(evPk === undefined ? {} : { evPk }),
    ...(event?.eventId === undefined ? {} : { eventId: event.eventId }),
  };
}

/**
 * DynamoDB's size of an item: attribute names plus values, in UTF-8 bytes (numbers at most 21). The
 * LSI entry (keys only) counts against the same 400 KB, so key attributes are counted twice.
 */
export function itemBytes(item: object): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    const size = Buffer.byteLength(name) + (typeof value === 'string' ? Buffer.byteLength(value) : 21);
    bytes += name === 'pk' || name === 'sk' || name === 'tlSk' ? 2 * size : size;
  }
  return bytes;
}

export interface KeyCondition {
  expression: string;
  values: Record<string, string>;
}

/**
 * The sort-key condition selecting `validFrom` in (after, upTo] on a `<time>#<id>` key, or `empty`
 * when no time can satisfy it. Bounds are normalised to canonical times first.
 */
export function timeRangeCondition(
  sortKey: string,
  range: TimeRange = {},
): KeyCondition | 'empty' | undefined {
  const after = range.after === undefined ? undefined : canonicalTime(range.after) + PAST_IDS;
  const upTo = range.upTo === undefined ? undefined : canonicalTime(range.upTo) + PAST_IDS;
  if (after !== undefined && upTo !== undefined) {
    if (after >= upTo) return 'empty';
    // BETWEEN is inclusive, but no key equals `<after>#~`: every id is a ULID.
    return { expression: `${sortKey} BETWEEN :lo AND :hi`, values: { ':lo': after, ':hi': upTo } };
  }
  if (after !== undefined) return { expression: `${sortKey} > :lo`, values: { ':lo': after } };
  if (upTo !== undefined) return { expression: `${sortKey} <= :hi`, values: { ':hi': upTo } };
  return undefined;
}

const errorName = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;

export const isConditionFailed = (error: unknown): boolean =>
  errorName(error) === 'ConditionalCheckFailedException';

/** A missing table is a store nobody initialised: say how to initialise it. */
export function mapTableError(error: unknown, tableName: string, bucket?: string): unknown {
  return errorName(error) === 'ResourceNotFoundException'
    ? new StoreNotInitializedError(tableName, bucket, { cause: error })
    : error;
}
