import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordingProxy, startRecordingProxy } from '@cognito-rewind/testkit';
import { auditAll, auditContract, writeAuditScenario } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoChangeLog } from '../adapters/aws/dynamoChangeLog.js';
import { createDynamoClients } from '../adapters/aws/dynamoClient.js';
import { DynamoEventTrail } from '../adapters/aws/dynamoEventTrail.js';
import { type DynamoTestbed, startTestbed } from '../adapters/aws/dynamoTestbed.testing.js';
import { DirectoryChangeLog } from '../adapters/local/directoryChangeLog.js';
import { DirectoryEventTrail } from '../adapters/local/directoryEventTrail.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { MemoryEventTrail } from '../adapters/memory/memoryEventTrail.js';

auditContract('memory', async () => ({
  changeLog: new MemoryChangeLog(),
  trail: new MemoryEventTrail(),
  cleanup: async () => {},
}));

auditContract('directory store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-audit-'));
  return {
    changeLog: new DirectoryChangeLog(join(dir, 'log'), { durable: false }),
    trail: new DirectoryEventTrail(join(dir, 'trail')),
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

auditContract('DynamoDB (dynalite)', async () => {
  const tableName = await bed.newTable();
  return {
    changeLog: new DynamoChangeLog(bed.doc, { tableName, blobs: new MemoryBlobStore(), pageSize: 2 }),
    trail: new DynamoEventTrail(bed.doc, { tableName }),
    cleanup: () => bed.dropTable(tableName),
  };
});

describe('audit queries on DynamoDB', () => {
  let proxy: RecordingProxy;
  beforeAll(async () => {
    proxy = await startRecordingProxy('dynamodb', bed.server.endpoint);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('reads through Query (and keyed gets of what an index page names), never a Scan, whatever the filters', async () => {
    const tableName = await bed.newTable();
    const writer = { blobs: new MemoryBlobStore(), tableName };
    await writeAuditScenario(
      new DynamoChangeLog(bed.doc, writer),
      new DynamoEventTrail(bed.doc, { tableName }),
    );
    const { doc, client } = createDynamoClients({ endpoint: proxy.endpoint });
    const reads = {
      changeLog: new DynamoChangeLog(doc, { ...writer, pageSize: 2 }),
      trail: new DynamoEventTrail(doc, { tableName }),
    };
    try {
      for (const filter of [
        {},
        { entity: 'user:alice' },
        { events: ['AdminDeleteUser'] },
        { events: ['AdminDeleteUser', 'AdminCreateUser'] },
        { actor: 'arn:aws:iam::123456789012:user/alice' },
        { actor: 'ops', since: '2024-06-01T10:00:20Z', until: '2024-06-01T10:00:50Z' },
        { failed: true },
        { source: 'restore' },
        { limit: 3 },
      ]) {
        proxy.clear();
        const { rows } = await auditAll(reads, filter);
        expect(rows.length, JSON.stringify(filter)).toBeGreaterThan(0);
        // Every read is a Query of one index partition; the trail fetches the entries an index page
        // names by their keys (BatchGetItem: the personal data is stored apart, to be forgotten).
        const actions = proxy.requests.flatMap((request) => request.actions);
        expect(actions, JSON.stringify(filter)).toContain('dynamodb:Query');
        expect(actions, JSON.stringify(filter)).not.toContain('dynamodb:Scan');
        const others = actions.filter((a) => a !== 'dynamodb:Query' && a !== 'dynamodb:BatchGetItem');
        expect(others, JSON.stringify(filter)).toEqual([]);
      }
    } finally {
      client.destroy();
      await bed.dropTable(tableName);
    }
  });
});
