/**
 * Checkpoints as items of the change log table:
 *
 *   checkpoint  pk C#<name>   sk C   revision, value (the JSON text), updatedAt
 *
 * A put is one conditional PutItem (`attribute_not_exists(pk)` for the first revision, `revision =
 * :expected` after), so two invocations racing for one job cannot both move it.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Checkpoint } from '../../checkpoints/checkpoint.js';
import { checkCheckpointName, checkpointJson, checkRevision } from '../../checkpoints/checkpointName.js';
import { CheckpointConflictError, CheckpointCorruptError } from '../../errors.js';
import type { JsonObject } from '../../model/json.js';
import type { CheckpointStore, Clock } from '../../ports.js';
import { systemClock } from '../../ports.js';
import { call, getItem, type TableContext } from './dynamoCalls.js';
import { isConditionFailed } from './dynamoItems.js';

export interface DynamoCheckpointStoreOptions {
  readonly tableName: string;
  /** The store's bucket, only named in `StoreNotInitializedError`'s advice. */
  readonly bucket?: string;
  readonly clock?: Clock;
}

const checkpointKey = (name: string) => ({ pk: `C#${name}`, sk: 'C' });

export class DynamoCheckpointStore implements CheckpointStore {
  private readonly ctx: TableContext;
  private readonly clock: Clock;

  constructor(doc: DynamoDBDocumentClient, options: DynamoCheckpointStoreOptions) {
    this.ctx = { doc, tableName: options.tableName, bucket: options.bucket };
    this.clock = options.clock ?? systemClock;
  }

  async get(name: string): Promise<Checkpoint | undefined> {
    checkCheckpointName(name);
    const item = await getItem(this.ctx, checkpointKey(name));
    if (item === undefined) return undefined;
    const { revision, value } = item;
    if (typeof revision === 'number' && typeof value === 'string') {
      try {
        const parsed: unknown = JSON.parse(value);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          return { revision, value: parsed as JsonObject };
      } catch {
        // reported below
      }
    }
    throw new CheckpointCorruptError(name, 'the item has no numeric revision and JSON object value');
  }

  async put(name: string, value: JsonObject, expectedRevision: number | undefined): Promise<number> {
    checkCheckpointName(name);
    checkRevision(expectedRevision);
    const revision = (expectedRevision ?? 0) + 1;
    const item = {
      ...checkpointKey(name),
      revision,
      value: checkpointJson(value),
      updatedAt: this.clock.now().toISOString(),
    };
    try {
      await call(this.ctx, () =>
        this.ctx.doc.send(
          new PutCommand({
            TableName: this.ctx.tableName,
            Item: item,
            ...(expectedRevision === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'revision = :expected',
                  ExpressionAttributeValues: { ':expected': expectedRevision },
                }),
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new CheckpointConflictError(name, expectedRevision);
      throw error;
    }
    return revision;
  }

  async delete(name: string): Promise<void> {
    checkCheckpointName(name);
    await call(this.ctx, () =>
      this.ctx.doc.send(new DeleteCommand({ TableName: this.ctx.tableName, Key: checkpointKey(name) })),
    );
  }
}
