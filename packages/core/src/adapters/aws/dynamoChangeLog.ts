/**
 * `DynamoChangeLog`: the change log in one DynamoDB table (see `dynamoItems.ts` for the items and
 * keys, `dynamoTable.ts` for the table, the package README for the design and its costs).
 *
 * - `append` is one conditional PutItem per record (plus the event guard of `dynamoGuard.ts` when the
 *   record names a CloudTrail event): `attribute_not_exists(pk)` on (pool, entity, version) is what
 *   refuses a taken version, across processes.
 * - `head` and `entityHistory` query the record's partition with `ConsistentRead`: strongly consistent.
 * - `timeline` and `appendedSince` query global secondary indexes, which lag the table. Positions are
 *   times on the appending adapters' clocks, taken `positionLagMs` in the past, so the lag (and clock
 *   skew, and a put still in flight) is covered by returning a few records twice rather than missing one.
 *   That holds only while writers' clocks agree to well within the lag: `openAwsStore` gives every
 *   writer the services' time (`ServiceClock`), whose error `ready` bounds, whatever the machine's own
 *   clock says.
 */
import type { DynamoDBDocumentClient, NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { canonicalTime, isCanonicalTime } from '../../changes/canonicalTime.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { AppendOutcome, LogPosition, TimeRange } from '../../changes/logPosition.js';
import { checkAppendable } from '../../changes/recordSchema.js';
import { POSITION_LAG_MS } from '../../clock/serviceClock.js';
import { InvalidInputError } from '../../errors.js';
import type { EntityKey } from '../../model/entityKey.js';
import { type BlobStore, type ChangeLog, type Clock, systemClock } from '../../ports.js';
import { lastItem, putIfAbsent, type TableContext } from './dynamoCalls.js';
import { claimGuard, settleLostRace } from './dynamoGuard.js';
import { checkPoolId, mapTableError, recordItem, recordPk, timeRangeCondition } from './dynamoItems.js';
import { readRecord, withBody } from './dynamoRecords.js';
import { INDEX } from './dynamoTable.js';

export interface DynamoChangeLogOptions {
  readonly tableName: string;
  /** Where records too large for an item (over ~350 KB) are kept. */
  readonly blobs: BlobStore;
  /** The store's bucket, only named in `StoreNotInitializedError`'s advice. */
  readonly bucket?: string;
  /**
   * Stamps `recordedAt` on appends and dates positions; its `ready` is awaited before either.
   * @default the system clock (tests; the AWS store passes the services' time)
   */
  readonly clock?: Clock;
  /**
   * How far behind "now" a position is taken: covers writers' clock skew, a put still in flight and
   * index propagation. @default 5 minutes
   */
  readonly positionLagMs?: number;
  /** Items per Query page (`Limit`). @default DynamoDB's 1 MB pages */
  readonly pageSize?: number;
}

export { POSITION_LAG_MS };

/** The beginning of every log: a position before any record. */
const ORIGIN = '0';

type Query = Omit<QueryCommandInput, 'TableName'>;

export class DynamoChangeLog implements ChangeLog {
  private readonly ctx: TableContext;
  private readonly blobs: BlobStore;
  private readonly clock: Clock;
  private readonly positionLagMs: number;
  private readonly pageSize: number | undefined;

  constructor(doc: DynamoDBDocumentClient, options: DynamoChangeLogOptions) {
    this.ctx = { doc, tableName: options.tableName, bucket: options.bucket };
    this.blobs = options.blobs;
    this.clock = options.clock ?? systemClock;
    this.positionLagMs = options.positionLagMs ?? POSITION_LAG_MS;
    this.pageSize = options.pageSize;
  }

  get tableName(): string {
    return this.ctx.tableName;
  }

  async append(record: ChangeRecord): Promise<AppendOutcome> {
    checkAppendable(record);
    checkPoolId(record.poolId);
    const eventId = record.event?.eventId;
    if (eventId !== undefined) {
      const claim = await claimGuard(this.ctx, record, eventId);
      if (claim !== 'claimed') return claim;
    }
    // The stamp positions are compared against: only from a clock that can vouch for it.
    await this.clock.ready?.();
    const bare = recordItem(record, this.clock.now().toISOString());
    const item = await withBody(bare, record, JSON.stringify(record), this.blobs);
    if (await putIfAbsent(this.ctx, { ...item })) return 'appended';
    return settleLostRace(this.ctx, record, eventId);
  }

  async head(poolId: string, entity: EntityKey): Promise<ChangeRecord | undefined> {
    checkPoolId(poolId);
    const item = await lastItem(this.ctx, {
      expression: 'pk = :pk',
      values: { ':pk': recordPk(poolId, entity) },
    });
    return item && readRecord(item, this.ctx.tableName, this.blobs);
  }

  async *entityHistory(poolId: string, entity: EntityKey): AsyncIterable<ChangeRecord> {
    checkPoolId(poolId);
    yield* this.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': recordPk(poolId, entity) },
      ConsistentRead: true,
    });
  }

  timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    return this.byTime(INDEX.timeline, 'tlPk', poolId, poolId, range);
  }

  /** The current time on this adapter's clock, less `positionLagMs`. */
  async position(poolId: string): Promise<LogPosition> {
    checkPoolId(poolId);
    await this.clock.ready?.();
    return new Date(this.clock.now().getTime() - this.positionLagMs).toISOString();
  }

  async *appendedSince(
    poolId: string,
    since: LogPosition,
    filter: { validUpTo?: string } = {},
  ): AsyncIterable<ChangeRecord> {
    checkPoolId(poolId);
    if (since !== ORIGIN && !isCanonicalTime(since))
      throw new InvalidInputError(`${JSON.stringify(since)} is not a position of a DynamoDB change log`);
    const values: Record<string, NativeAttributeValue> = { ':pool': poolId, ':since': since };
    let upTo: Query = {};
    if (filter.validUpTo !== undefined) {
      values[':upTo'] = canonicalTime(filter.validUpTo);
      // Filtered by DynamoDB, so only the records returned cross the network and occupy memory.
      upTo = { FilterExpression: 'validFrom <= :upTo' };
    }
    yield* this.query({
      IndexName: INDEX.appended,
      KeyConditionExpression: 'apPk = :pool AND apSk >= :since',
      ExpressionAttributeValues: values,
      ...upTo,
    });
  }

  /** Audit: what one principal (an IAM ARN) changed in the pool, in timeline order. */
  changesByActor(poolId: string, actorArn: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    return this.byTime(INDEX.byActor, 'acPk', poolId, `${poolId}#${actorArn}`, range);
  }

  /** Audit: every change one kind of API call (`AdminDeleteUser`…) made in the pool, in timeline order. */
  changesByEvent(poolId: string, eventName: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    return this.byTime(INDEX.byEvent, 'evPk', poolId, `${poolId}#${eventName}`, range);
  }

  /** Audit: one entity's records whose validFrom falls in the range, in (validFrom, id) order. */
  entityHistoryBetween(poolId: string, entity: EntityKey, range?: TimeRange): AsyncIterable<ChangeRecord> {
    // The LSI holds only keys; ALL_ATTRIBUTES has DynamoDB fetch each item from the table.
    return this.byTime(INDEX.entityTime, 'pk', poolId, recordPk(poolId, entity), range, {
      Select: 'ALL_ATTRIBUTES',
      ConsistentRead: true,
    });
  }

  /** Records of one index partition whose `tlSk` time falls in the range. */
  private async *byTime(
    index: string,
    partitionKey: string,
    poolId: string,
    partition: string,
    range: TimeRange | undefined,
    extra: Query = {},
  ): AsyncGenerator<ChangeRecord> {
    checkPoolId(poolId);
    const condition = timeRangeCondition('tlSk', range);
    if (condition === 'empty') return;
    yield* this.query({
      IndexName: index,
      KeyConditionExpression: `${partitionKey} = :partition${condition ? ` AND ${condition.expression}` : ''}`,
      ExpressionAttributeValues: { ':partition': partition, ...condition?.values },
      ...extra,
    });
  }

  /** Every page of a Query, each item read back and validated. */
  private async *query(input: Query): AsyncGenerator<ChangeRecord> {
    const { doc, tableName, bucket } = this.ctx;
    const config = { client: doc, ...(this.pageSize === undefined ? {} : { pageSize: this.pageSize }) };
    try {
      for await (const page of paginateQuery(config, { ...input, TableName: tableName }))
        for (const item of page.Items ?? []) yield await readRecord(item, tableName, this.blobs);
    } catch (error) {
      throw mapTableError(error, tableName, bucket);
    }
  }
}
