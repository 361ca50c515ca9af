import { TrailCorruptError } from '../../errors.js';
import type { TrailEntry } from '../../trail/trailEntry.js';
import { compareTrailPositions, matchesTrailIndex, type TrailWindow } from '../../trail/trailQuery.js';
import { batchGet } from './dynamoBatch.js';
import type { TableContext } from './dynamoCalls.js';
import {
  ENTRY_SK,
  entryKey,
  entryOfItem,
  eventPartition,
  PERSONAL_SK,
  personalKey,
  positionOfIndexItem,
  type TrailPartition,
} from './dynamoTrailItems.js';

type Item = Record<string, unknown>;

/** Entry items from a GSI, joined with their personal items. Each must be what the index says it is. */
export async function entriesOfEntryItems(
  ctx: TableContext,
  items: readonly Item[],
  window: TrailWindow,
  partition: TrailPartition,
): Promise<TrailEntry[]> {
  const personal = await personalItems(
    ctx,
    items.filter((item) => item.personal === true),
  );
  return items.map((item) => {
    const entry = entryOfItem(item, personal.get(String(item.pk)), ctx.tableName);
    if (!matchesTrailIndex(entry, window.index))
      throw new TrailCorruptError(
        `table ${ctx.tableName} item ${JSON.stringify(item.pk)} T`,
        `it is indexed under ${JSON.stringify(partition.value)}, which its entry does not belong to`,
      );
    return entry;
  });
}

/**
 * Entity index items, in order, joined with the entries they name. An item whose entry is missing
 * (a writer crashed before its entry) or does not name this entity at this time (a writer that lost
 * the race) is skipped: only entries are trusted, never index items alone.
 */
export async function entriesOfIndexItems(
  ctx: TableContext,
  poolId: string,
  items: readonly Item[],
  window: TrailWindow,
): Promise<TrailEntry[]> {
  const positions = items.map((item) => positionOfIndexItem(item, ctx.tableName));
  const keys = positions.flatMap((p) => [entryKey(poolId, p.eventId), personalKey(poolId, p.eventId)]);
  const fetched = new Map((await batchGet(ctx, keys)).map((item) => [`${item.pk}\u0000${item.sk}`, item]));
  const entries: TrailEntry[] = [];
  for (const position of positions) {
    const pk = eventPartition(poolId, position.eventId);
    const item = fetched.get(`${pk}\u0000${ENTRY_SK}`);
    if (item === undefined) continue;
    const entry = entryOfItem(item, fetched.get(`${pk}\u0000${PERSONAL_SK}`), ctx.tableName);
    if (entry.eventTime === position.eventTime && matchesTrailIndex(entry, window.index)) entries.push(entry);
  }
  return entries;
}

/** The personal items of these entry items, by partition key. */
async function personalItems(ctx: TableContext, items: readonly Item[]): Promise<Map<string, Item>> {
  if (items.length === 0) return new Map();
  const keys = items.map((item) => ({ pk: String(item.pk), sk: PERSONAL_SK }));
  return new Map((await batchGet(ctx, keys)).map((item) => [String(item.pk), item]));
}

/** Is this the cursor's own item, which an inclusive lower bound returns again? */
export function isCursorItem(item: Item, window: TrailWindow): boolean {
  const { after } = window;
  if (after === undefined || typeof item.eventTime !== 'string' || typeof item.eventId !== 'string')
    return false;
  return compareTrailPositions({ eventTime: item.eventTime, eventId: item.eventId }, after) === 0;
}
