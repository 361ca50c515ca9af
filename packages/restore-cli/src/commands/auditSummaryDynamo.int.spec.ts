import type { TrailEntry } from '@cognito-rewind/core';
import {
  createChangeLogTable,
  createDynamoClients,
  DynamoEventTrail,
} from '@cognito-rewind/core/adapters/aws';
import { type Dynalite, startDynalite } from '@cognito-rewind/emulators';
import { type RecordingProxy, startRecordingProxy } from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from './auditSummary.js';

const POOL = 'us-east-1_Summary2';
const TABLE = 'audit-summary';
const T0 = Date.parse('2026-06-01T10:04:00.000Z');

const entry = (i: number): TrailEntry => ({
  eventId: `e-${String(i).padStart(6, '0')}`,
  poolId: POOL,
  eventTime: new Date(T0 + i * 1000).toISOString(),
  receivedAt: new Date(T0 + i * 1000 + 500).toISOString(),
  eventName: i % 2 === 0 ? 'AdminDeleteUser' : 'AdminDisableUser',
  eventType: 'AwsApiCall',
  caller: { arn: 'arn:aws:sts::111122223333:assumed-role/ops/mallory', type: 'AssumedRole' },
  entities: [`user:u${i}`],
  outcome: 'changed',
  changeIds: [`01JAAAAAAAAAAAAAAAAA${String(i).padStart(6, '0')}`],
});

let dynalite: Dynalite;
let proxy: RecordingProxy;
let clients: ReturnType<typeof createDynamoClients>[] = [];

beforeAll(async () => {
  dynalite = await startDynalite();
  const setup = createDynamoClients({ endpoint: dynalite.endpoint });
  clients.push(setup);
  await createChangeLogTable(setup.client, TABLE);
  const trail = new DynamoEventTrail(setup.doc, { tableName: TABLE });
  for (let i = 0; i < 12; i += 1) await trail.record(entry(i));
  proxy = await startRecordingProxy('dynamodb', dynalite.endpoint);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.client.destroy();
  clients = [];
  await proxy?.stop();
  await dynalite?.stop();
});

describe('audit summary over the DynamoDB trail', () => {
  it('sends only Queries on the time index (and keyed reads), never a Scan', async () => {
    const through = createDynamoClients({ endpoint: proxy.endpoint });
    clients.push(through);
    const trail = new DynamoEventTrail(through.doc, { tableName: TABLE });
    const summary = await summarize(
      trail,
      POOL,
      { since: '2026-06-01T00:00:00.000Z', until: '2026-06-02T00:00:00.000Z' },
      { count: 10, minutes: 1 },
    );
    expect(summary).toMatchObject({ total: 12, byEvent: { AdminDeleteUser: 6, AdminDisableUser: 6 } });
    expect(summary.bursts).toHaveLength(1);
    expect(
      proxy
        .actions()
        .filter(
          (action) => !['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:GetItem'].includes(action),
        ),
    ).toEqual([]);
    expect(proxy.actions()).toContain('dynamodb:Query');
  });
});
