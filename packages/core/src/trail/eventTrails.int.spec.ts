import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventTrailContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll } from 'vitest';
import { damageTrailEntry } from '../adapters/aws/damageTrailEntry.testing.js';
import { DynamoEventTrail } from '../adapters/aws/dynamoEventTrail.js';
import { type DynamoTestbed, startTestbed } from '../adapters/aws/dynamoTestbed.testing.js';
import { DirectoryEventTrail } from '../adapters/local/directoryEventTrail.js';
import { entryFile, poolTrailPaths } from '../adapters/local/trailLayout.js';
import { MemoryEventTrail } from '../adapters/memory/memoryEventTrail.js';

const GARBAGE = '{"eventId": "broken';

eventTrailContract('MemoryEventTrail', async () => {
  const trail = new MemoryEventTrail();
  return {
    trail,
    other: () => trail,
    damage: async (poolId, eventId) => trail.overwriteStored(poolId, eventId, GARBAGE),
    cleanup: async () => {},
  };
});

eventTrailContract('DirectoryEventTrail', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-trail-'));
  return {
    trail: new DirectoryEventTrail(dir),
    other: () => new DirectoryEventTrail(dir),
    damage: (poolId, eventId) => writeFile(entryFile(poolTrailPaths(dir, poolId), eventId), GARBAGE),
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

eventTrailContract('DynamoEventTrail on dynalite', async () => {
  const tableName = await bed.newTable();
  return {
    trail: new DynamoEventTrail(bed.doc, { tableName }),
    other: () => new DynamoEventTrail(bed.doc, { tableName }),
    damage: (poolId, eventId) => damageTrailEntry(bed.doc, tableName, poolId, eventId, GARBAGE),
    cleanup: () => bed.dropTable(tableName),
  };
});
