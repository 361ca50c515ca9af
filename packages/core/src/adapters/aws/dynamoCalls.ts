import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, mapTableError } from './dynamoItems.js';

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

type Key = { pk: string; sk: string };

/** A put that never overwrites: false when an item with this key exists. */
export async function putIfAbsent(ctx: TableContext, item: Key & Record<string, unknown>): Promise<boolean> {
  try {
    await call(ctx, () =>
      ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** A strongly consistent GetItem: what was written before this call is seen. */
export async function getItem(ctx: TableContext, key: Key): Promise<Record<string, unknown> | undefined> {
  const { Item } = await call(ctx, () =>
    ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true })),
  );
  return Item;
}

/** Deletes an item only while its `id` is still `id`; false when it is not (or is gone). */
export async function deleteIfId(ctx: TableContext, key: Key, id: string): Promise<boolean> {
  try {
    await call(ctx, () =>
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
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
