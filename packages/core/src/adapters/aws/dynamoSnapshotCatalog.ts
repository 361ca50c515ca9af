/**
 * The snapshot catalog: one item per snapshot in the change log's table, so "the newest snapshot at or
 * before T" is one Query instead of an S3 listing of every manifest, and the table vouches for each
 * snapshot in the bucket (its whole manifest, sha256 included: see `SnapshotCatalog`).
 *
 *   pk S#<poolId>   sk <at>#<snapshotId>   + the manifest's fields as attributes
 *
 * `at` is canonical, so the sort key orders snapshots by time; `~` sorts after every snapshot id
 * character we write, so `sk <= "<at>#~"` includes every snapshot taken exactly at `at`.
 */
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { canonicalTime } from '../../changes/canonicalTime.js';
import { SnapshotCorruptError } from '../../errors.js';
import type { SnapshotManifest } from '../../model/snapshotFormat.js';
import type { SnapshotCatalog } from '../../ports.js';
import { describeIssue, snapshotManifestSchema } from '../../snapshots/schemas.js';
import { call, getItem, lastItem, type TableContext } from './dynamoCalls.js';
import { checkPoolId, mapTableError } from './dynamoItems.js';

export interface DynamoSnapshotCatalogOptions {
  readonly tableName: string;
  /** The store's bucket, only named in `StoreNotInitializedError`'s advice. */
  readonly bucket?: string;
  /** Items per Query page (`Limit`). @default DynamoDB's 1 MB pages */
  readonly pageSize?: number;
}

const catalogPk = (poolId: string): string => `S#${poolId}`;

export class DynamoSnapshotCatalog implements SnapshotCatalog {
  private readonly ctx: TableContext;
  private readonly pageSize: number | undefined;

  constructor(doc: DynamoDBDocumentClient, options: DynamoSnapshotCatalogOptions) {
    this.ctx = { doc, tableName: options.tableName, bucket: options.bucket };
    this.pageSize = options.pageSize;
  }

  /** Records a snapshot. A plain put: recording the same manifest again changes nothing. */
  async record(manifest: SnapshotManifest): Promise<void> {
    checkPoolId(manifest.poolId);
    const item = {
      ...manifest,
      pk: catalogPk(manifest.poolId),
      sk: `${canonicalTime(manifest.at)}#${manifest.snapshotId}`,
    };
    await call(this.ctx, () =>
      this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tableName, Item: item })),
    );
  }

  /** The manifest recorded for one snapshot (one consistent GetItem), or undefined. */
  async recorded(poolId: string, at: string, snapshotId: string): Promise<SnapshotManifest | undefined> {
    checkPoolId(poolId);
    let sk: string;
    try {
      sk = `${canonicalTime(at)}#${snapshotId}`;
    } catch {
      // A manifest time that is no time: no item can have it.
      return undefined;
    }
    const item = await getItem(this.ctx, { pk: catalogPk(poolId), sk });
    return item && this.manifestOf(item);
  }

  /** The newest snapshot whose `at` is at or before `at` (the last by id among equal times), or undefined. */
  async newestAtOrBefore(poolId: string, at: string): Promise<SnapshotManifest | undefined> {
    checkPoolId(poolId);
    const item = await lastItem(this.ctx, {
      expression: 'pk = :pk AND sk <= :at',
      values: { ':pk': catalogPk(poolId), ':at': `${canonicalTime(at)}#~` },
    });
    return item && this.manifestOf(item);
  }

  /** Every snapshot of the pool, oldest first. */
  async *list(poolId: string): AsyncIterable<SnapshotManifest> {
    checkPoolId(poolId);
    const { doc, tableName, bucket } = this.ctx;
    const config = { client: doc, ...(this.pageSize === undefined ? {} : { pageSize: this.pageSize }) };
    const input = {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': catalogPk(poolId) },
      ConsistentRead: true,
    };
    try {
      for await (const page of paginateQuery(config, input))
        for (const item of page.Items ?? []) yield this.manifestOf(item);
    } catch (error) {
      throw mapTableError(error, tableName, bucket);
    }
  }

  /** The manifest an item holds, validated like a manifest read from the blob store. */
  private manifestOf(item: Record<string, unknown>): SnapshotManifest {
    const { pk: _pk, sk, ...fields } = item;
    const parsed = snapshotManifestSchema.safeParse(fields);
    if (parsed.success) return parsed.data;
    throw new SnapshotCorruptError(
      String(fields.snapshotId ?? sk),
      `its catalog item in table ${this.ctx.tableName} is not a manifest (${describeIssue(parsed.error)})`,
    );
  }
}
