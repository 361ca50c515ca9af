import { snapshotCatalogContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll } from 'vitest';
import { DynamoSnapshotCatalog } from '../adapters/aws/dynamoSnapshotCatalog.js';
import { type DynamoTestbed, startTestbed } from '../adapters/aws/dynamoTestbed.testing.js';
import { MemorySnapshotCatalog } from '../adapters/memory/memorySnapshotCatalog.js';

snapshotCatalogContract('MemorySnapshotCatalog', async () => {
  const catalog = new MemorySnapshotCatalog();
  return { catalog, other: () => catalog, cleanup: async () => {} };
});

let bed: DynamoTestbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.stop();
});

snapshotCatalogContract('DynamoSnapshotCatalog on dynalite (pages of 2)', async () => {
  const tableName = await bed.newTable();
  const open = () => new DynamoSnapshotCatalog(bed.doc, { tableName, pageSize: 2 });
  return { catalog: open(), other: open, cleanup: () => bed.dropTable(tableName) };
});
