import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { entryKey } from './dynamoTrailItems.js';

/**
 * Rewrites the stored JSON of one trail entry behind the adapter's back, keeping every other attribute
 * (so the indexes still lead to it): how tests show that damage is reported on read, never skipped.
 */
export async function damageTrailEntry(
  doc: DynamoDBDocumentClient,
  tableName: string,
  poolId: string,
  eventId: string,
  text: string,
): Promise<void> {
  const key = entryKey(poolId, eventId);
  const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  await doc.send(new PutCommand({ TableName: tableName, Item: { ...Item, ...key, entry: text } }));
}
