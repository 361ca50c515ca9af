/**
 * `DynamoEventTrail`: the event trail in the change log's table (items and keys in
 * `dynamoTrailItems.ts`, the design in the package README). Every read is a Query or a GetItem /
 * BatchGetItem by key; nothing scans.
 *
 * A record writes, in this order, with no transactions:
 *
 * 1. one small index item per entity the entry names (plain puts: rewriting one is harmless);
 * 2. the entry item, a PutItem conditional on `attribute_not_exists(pk)`: the one write that decides
 *    whether this event is recorded, and by whom (the `writer` it carries);
 * 3. the winner alone: the personal item (sourceIp, userAgent, with `expiresAt` for DynamoDB's TTL).
 *
 * So an entry that exists is always fully indexed by entity; a crash before (2) leaves index items
 * pointing at nothing, and a writer that loses (2) may leave items pointing at entities or a time the
 * winner does not have. Readers check every index item against the entry it names and skip those; the
 * loser deletes its own on the way out. The personal item comes last so only the winner's data can be
 * joined with the entry: a crash between (2) and (3) loses that entry's personal data, nothing else,
 * and a reader racing the write may see the entry a moment without it.
 *
 * Consistency: `get` and queries by entity read the table (strongly consistent); queries by time,
 * caller and event name read GSIs, which may lag a write by a moment.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../errors.js';
import type { EventTrail } from '../../ports.js';
import type { TrailEntry, TrailPage, TrailQuery } from '../../trail/trailEntry.js';
import { checkTrailQuery, trailPageOf } from '../../trail/trailQuery.js';
import {
  checkRecordable,
  checkTrailEventId,
  checkTrailPoolId,
  splitPersonalData,
} from '../../trail/trailSchema.js';
import { batchWrite } from './dynamoBatch.js';
import { call, getItem, putIfAbsent, type TableContext } from './dynamoCalls.js';
import { forgetPersonalItems } from './dynamoTrailForget.js';
import {
  ENTRY_SK,
  entityIndexKey,
  entityItems,
  entryItem,
  entryKey,
  entryOfItem,
  eventPartition,
  PERSONAL_SK,
  personalItem,
  trailPartition,
  windowCondition,
} from './dynamoTrailItems.js';
import { entriesOfEntryItems, entriesOfIndexItems, isCursorItem } from './dynamoTrailReads.js';

export interface DynamoEventTrailOptions {
  readonly tableName: string;
  /** The store's bucket, only named in `StoreNotInitializedError`'s advice. */
  readonly bucket?: string;
  /**
   * Days after an event's time its sourceIp and userAgent expire: their item carries `expiresAt` and
   * DynamoDB's TTL deletes it (usually within a few days of that time; `forgetPersonalData` is the exact
   * cut). @default kept until `forgetPersonalData`
   */
  readonly personalDataRetentionDays?: number;
}

type Item = Record<string, unknown>;

type Query = Omit<QueryCommandInput, 'TableName'>;

export class DynamoEventTrail implements EventTrail {
  private readonly ctx: TableContext;
  private readonly retentionSeconds: number | undefined;

  constructor(doc: DynamoDBDocumentClient, options: DynamoEventTrailOptions) {
    this.ctx = { doc, tableName: options.tableName, bucket: options.bucket };
    const days = options.personalDataRetentionDays;
    if (days !== undefined && !(Number.isFinite(days) && days > 0))
      throw new InvalidInputError(`personal data retention ${days} is not a positive number of days`);
    this.retentionSeconds = days === undefined ? undefined : Math.round(days * 86_400);
  }

  async record(entry: TrailEntry): Promise<'recorded' | 'duplicate'> {
    checkRecordable(entry);
    const { kept, personal } = splitPersonalData(entry);
    const writer = randomUUID();
    await batchWrite(
      this.ctx,
      entityItems(entry).map((Item) => ({ PutRequest: { Item } })),
    );
    const item = entryItem(entry, kept, writer, personal !== undefined);
    if (!(await putIfAbsent(this.ctx, item))) {
      const stored = await getItem(this.ctx, entryKey(entry.poolId, entry.eventId));
      // Our own put, landed, whose retry (the SDK's, after a lost answer) the condition refused: go on.
      if (stored?.writer !== writer) {
        await this.dropLosingIndexItems(entry, stored);
        return 'duplicate';
      }
    }
    if (personal !== undefined) {
      const expiresAt =
        this.retentionSeconds === undefined
          ? undefined
          : Math.floor(Date.parse(entry.eventTime) / 1000) + this.retentionSeconds;
      await call(this.ctx, () =>
        this.ctx.doc.send(
          new PutCommand({ TableName: this.ctx.tableName, Item: personalItem(entry, personal, expiresAt) }),
        ),
      );
    }
    return 'recorded';
  }

  async get(poolId: string, eventId: string): Promise<TrailEntry | undefined> {
    checkTrailPoolId(poolId);
    checkTrailEventId(eventId);
    // The entry and its personal item share a partition: one strongly consistent Query reads both.
    const { Items = [] } = await call(this.ctx, () =>
      this.ctx.doc.send(
        new QueryCommand({
          TableName: this.ctx.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': eventPartition(poolId, eventId) },
          ConsistentRead: true,
        }),
      ),
    );
    const item = Items.find((i) => i.sk === ENTRY_SK);
    const personal = Items.find((i) => i.sk === PERSONAL_SK);
    return item && entryOfItem(item, personal, this.ctx.tableName);
  }

  async query(poolId: string, query?: TrailQuery): Promise<TrailPage> {
    checkTrailPoolId(poolId);
    const window = checkTrailQuery(query);
    const partition = trailPartition(poolId, window.index);
    const condition = windowCondition(partition, window);
    if (condition === 'empty') return { entries: [] };
    const found: TrailEntry[] = [];
    let start: Item | undefined;
    do {
      // One more than the page (is there another?), and one for the cursor's own entry, which the
      // inclusive lower bound returns again.
      const { Items = [], LastEvaluatedKey } = await this.send({
        ...(partition.index === undefined ? { ConsistentRead: true } : { IndexName: partition.index }),
        KeyConditionExpression: condition.expression,
        ExpressionAttributeValues: condition.values,
        Limit: window.limit + 2 - found.length,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      });
      const items = Items.filter((item) => !isCursorItem(item, window));
      found.push(
        ...(partition.index === undefined
          ? await entriesOfIndexItems(this.ctx, poolId, items, window)
          : await entriesOfEntryItems(this.ctx, items, window, partition)),
      );
      start = LastEvaluatedKey;
    } while (start !== undefined && found.length <= window.limit);
    return trailPageOf(found, window.limit);
  }

  async forgetPersonalData(poolId: string, before: string): Promise<number> {
    checkTrailPoolId(poolId);
    return forgetPersonalItems(this.ctx, poolId, before);
  }

  /**
   * After losing the race for an event: deletes the entity index items this writer put that the
   * winner's entry does not have. Best effort — readers skip such items anyway — so a failure here is
   * not the caller's: the answer stays `duplicate`.
   */
  private async dropLosingIndexItems(entry: TrailEntry, stored: Item | undefined): Promise<void> {
    try {
      const winner = stored && entryOfItem(stored, undefined, this.ctx.tableName);
      const shared = (entity: string) =>
        winner !== undefined && winner.eventTime === entry.eventTime && winner.entities.includes(entity);
      const requests = entry.entities
        .filter((entity) => !shared(entity))
        .map((entity) => ({ DeleteRequest: { Key: entityIndexKey(entry.poolId, entity, entry) } }));
      await batchWrite(this.ctx, requests);
    } catch {
      // see above: leftovers are index items without their entry, which no reader trusts
    }
  }

  private send(input: Query) {
    return call(this.ctx, () =>
      this.ctx.doc.send(new QueryCommand({ ...input, TableName: this.ctx.tableName })),
    );
  }
}
