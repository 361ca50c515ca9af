import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type KeyCondition, mapTableError } from './dynamoItems.js';

/** What every table operation needs: the client, the table, and the bucket to name when it is missing. */
export interface TableContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Only named in `StoreNotInitializedError`'s advice. */
  readonly bucket?: string;
}

/** Runs one DynamoDB call; a missing table becomes `StoreNotInitializedError`. */
export async function call<T>(ctx: TableContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw mapTableError(error, ctx.tableName, ctx.bucket);
  }
}

/** Runs one conditional write: false when its condition failed (another writer got there first). */
export async function conditionally(ctx: TableContext, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await call(ctx, write);
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

type Key = { pk: string; sk: string };

/** A put that never overwrites: false when an item with this key exists. */
export function putIfAbsent(ctx: TableContext, item: Key & Record<string, unknown>): Promise<boolean> {
  return conditionally(ctx, () =>
    ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** A strongly consistent GetItem: what was written before this call is seen. */
export async function getItem(ctx: TableContext, key: Key): Promise<Record<string, unknown> | undefined> {
  const { Item } = await call(ctx, () =>
    ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true })),
  );
  return Item;
}

/**
 * The last item a key condition selects, by sort key, strongly consistent: a partition's newest (a
 * chain's head, the newest snapshot at or before a time).
 */
export async function lastItem(
  ctx: TableContext,
  condition: KeyCondition,
): Promise<Record<string, unknown> | undefined> {
  const { Items } = await call(ctx, () =>
    ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression: condition.expression,
        ExpressionAttributeValues: condition.values,
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    ),
  );
  return Items?.[0];
}

/** Deletes an item only while its `id` is still `id`; false when it is not (or is gone). */
export function deleteIfId(ctx: TableContext, key: Key, id: string): Promise<boolean> {
  return conditionally(ctx, () =>
    ctx.doc.send(
      new DeleteCommand({
        TableName: ctx.tableName,
        Key: key,
        ConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'id' },
        ExpressionAttributeValues: { ':id': id },
      }),
    ),
  );
}
