import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointStoreContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoCheckpointStore } from '../adapters/aws/dynamoCheckpointStore.js';
import { type DynamoTestbed, startTestbed } from '../adapters/aws/dynamoTestbed.testing.js';
import { DirectoryCheckpointStore } from '../adapters/local/directoryCheckpointStore.js';
import { MemoryCheckpointStore } from '../adapters/memory/memoryCheckpointStore.js';
import { CheckpointCorruptError } from '../errors.js';

checkpointStoreContract('MemoryCheckpointStore', async () => {
  const store = new MemoryCheckpointStore();
  return { store, other: () => store, cleanup: async () => {} };
});

checkpointStoreContract('DirectoryCheckpointStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-checkpoints-'));
  return {
    store: new DirectoryCheckpointStore(dir),
    other: () => new DirectoryCheckpointStore(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

let bed: DynamoTestbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.stop();
});

checkpointStoreContract('DynamoCheckpointStore on dynalite', async () => {
  const tableName = await bed.newTable();
  return {
    store: new DynamoCheckpointStore(bed.doc, { tableName }),
    other: () => new DynamoCheckpointStore(bed.doc, { tableName }),
    cleanup: () => bed.dropTable(tableName),
  };
});

it('names a damaged checkpoint file instead of starting the job over', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-checkpoints-'));
  try {
    const store = new DirectoryCheckpointStore(dir);
    await store.put('reconcile/p', { phase: 'users' }, undefined);
    await writeFile(join(dir, 'checkpoints', 'reconcile', 'p.json'), '{"revision": 1, "val');
    await expect(store.get('reconcile/p')).rejects.toBeInstanceOf(CheckpointCorruptError);
    await expect(store.put('reconcile/p', {}, 1)).rejects.toBeInstanceOf(CheckpointCorruptError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
