import { DeleteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { canonicalTime } from '../../changes/canonicalTime.js';
import type { TableContext } from './dynamoCalls.js';
import { mapTableError } from './dynamoItems.js';
import { INDEX } from './dynamoTable.js';
import { beforeCondition } from './dynamoTrailItems.js';

/** Deletes `forgetPersonalData` has in flight at once. */
const FORGET_CONCURRENCY = 16;

/** Deletes the personal items (sourceIp, userAgent) of the pool's entries before `before`; how many it removed. */
export async function forgetPersonalItems(
  ctx: TableContext,
  poolId: string,
  before: string,
): Promise<number> {
  const condition = beforeCondition(poolId, canonicalTime(before));
  const input = {
    TableName: ctx.tableName,
    IndexName: INDEX.timeline,
    KeyConditionExpression: condition.expression,
    ExpressionAttributeValues: condition.values,
    ProjectionExpression: 'pk, sk',
  };
  let changed = 0;
  try {
    for await (const page of paginateQuery({ client: ctx.doc }, input)) {
      const keys = page.Items ?? [];
      // A page can hold thousands of keys: delete them a few at a time, not all at once.
      for (let i = 0; i < keys.length; i += FORGET_CONCURRENCY) {
        const removed = await Promise.all(
          keys.slice(i, i + FORGET_CONCURRENCY).map(({ pk, sk }) => deleteCounted(ctx, { pk, sk })),
        );
        changed += removed.filter(Boolean).length;
      }
    }
  } catch (error) {
    throw mapTableError(error, ctx.tableName, ctx.bucket);
  }
  return changed;
}

/**
 * Deletes one personal item; true when this call removed it. ALL_OLD tells: an item that TTL or
 * another forget took already is not counted twice.
 */
async function deleteCounted(ctx: TableContext, key: { pk: unknown; sk: unknown }): Promise<boolean> {
  const { Attributes } = await ctx.doc.send(
    new DeleteCommand({ TableName: ctx.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
}
