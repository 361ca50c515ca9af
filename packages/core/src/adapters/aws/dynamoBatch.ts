import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { RewindError } from '../../errors.js';
import { call, type TableContext } from './dynamoCalls.js';

/**
 * BatchGetItem and BatchWriteItem on one table, in chunks of what DynamoDB takes per call (100 keys, 25
 * writes), resending what it leaves unprocessed (throttling, the 16 MB answer limit) with backoff. No
 * transactions: each write stands alone, so callers order them to stay safe across a crash.
 */

type Key = { pk: string; sk: string };
export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Key } };

const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
const MAX_ROUNDS = 10;

const backoff = (round: number) => sleep(Math.min(25 * 2 ** round, 2_000) * (0.5 + Math.random()));

const unfinished = (what: string, count: number, tableName: string) =>
  new RewindError(
    `DynamoDB left ${count} ${what} of table ${tableName} unprocessed after ${MAX_ROUNDS} rounds`,
  );

/** The items of these keys that exist, in no particular order (strongly consistent). */
export async function batchGet(
  ctx: TableContext,
  wanted: readonly Key[],
): Promise<Record<string, unknown>[]> {
  // DynamoDB refuses a batch naming one key twice.
  const keys = [...new Map(wanted.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += GET_CHUNK) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + GET_CHUNK);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw unfinished('reads', pending.length, ctx.tableName);
      if (round > 0) await backoff(round);
      const request = { [ctx.tableName]: { Keys: pending, ConsistentRead: true } };
      const { Responses, UnprocessedKeys } = await call(ctx, () =>
        ctx.doc.send(new BatchGetCommand({ RequestItems: request })),
      );
      items.push(...(Responses?.[ctx.tableName] ?? []));
      pending = UnprocessedKeys?.[ctx.tableName]?.Keys ?? [];
    }
  }
  return items;
}

/** Every put and delete done (plain ones: a batch takes no conditions). */
export async function batchWrite(ctx: TableContext, requests: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += WRITE_CHUNK) {
    let pending: readonly WriteRequest[] = requests.slice(i, i + WRITE_CHUNK);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw unfinished('writes', pending.length, ctx.tableName);
      if (round > 0) await backoff(round);
      const request = { [ctx.tableName]: [...pending] };
      const { UnprocessedItems } = await call(ctx, () =>
        ctx.doc.send(new BatchWriteCommand({ RequestItems: request })),
      );
      pending = (UnprocessedItems?.[ctx.tableName] ?? []) as WriteRequest[];
    }
  }
}
