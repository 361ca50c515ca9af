import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  createBucket,
  type Dynalite,
  S3RVER_CREDENTIALS,
  type S3rver,
  startDynalite,
  startS3rver,
} from '@cognito-rewind/emulators';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import { compactFromLog } from '../../backup/compactSnapshot.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { LOG_ORIGIN } from '../../changes/logPosition.js';
import { makeRecord } from '../../changes/makeRecord.js';
import { ServiceClock } from '../../clock/serviceClock.js';
import { ClockSkewError } from '../../errors.js';
import type { SnapshotManifest } from '../../model/snapshotFormat.js';
import { type Clock, systemClock } from '../../ports.js';
import { stateAt } from '../../replay/stateAt.js';
import { MemoryBlobStore } from '../memory/memoryBlobStore.js';
import { type AwsStore, openAwsStore } from './awsStore.js';
import { DynamoChangeLog } from './dynamoChangeLog.js';
import { createDynamoClients, type DynamoClients } from './dynamoClient.js';
import { createChangeLogTable } from './dynamoTable.js';
import { createS3Client } from './s3Client.js';
import { observeServiceTime } from './serviceTime.js';

/**
 * Two machines writing one AWS store, one of them with a clock minutes off. dynalite and s3rver run on
 * this machine, so their Date headers carry the true time; the skewed machine's clock is this one's,
 * shifted. Positions (`ChangeLog.position`) are times: a record stamped by a clock behind the one that
 * took a position lands before it, and every read "appended since" that position misses it for good.
 */
const POOL = 'us-east-1_ClockSkew';
const MINUTE = 60_000;

const shifted = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });

let dynalite: Dynalite;
let s3rver: S3rver;
let stores = 0;

beforeAll(async () => {
  [dynalite, s3rver] = await Promise.all([startDynalite(), startS3rver()]);
});
afterAll(async () => {
  await Promise.all([dynalite?.stop(), s3rver?.stop()]);
});

/** A fresh table and bucket, and an opener of the AWS store on them for a machine with this clock. */
async function sharedStore(): Promise<(clock: Clock) => AwsStore> {
  stores += 1;
  const name = `clock-skew-${stores}`;
  const { client } = createDynamoClients({ endpoint: dynalite.endpoint });
  const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
  try {
    await createChangeLogTable(client, name);
    await createBucket(s3, name);
  } finally {
    client.destroy();
    s3.destroy();
  }
  return (clock) =>
    openAwsStore({
      bucket: name,
      table: name,
      s3Endpoint: s3rver.endpoint,
      dynamodbEndpoint: dynalite.endpoint,
      clock,
    });
}

const opened: AwsStore[] = [];
afterAll(() => {
  for (const store of opened.splice(0)) store.close();
});

/** One record of `user:<name>` following `previous`, valid at `validFrom`, observed then too. */
function change(
  name: string,
  previous: ChangeRecord | undefined,
  validFrom: string,
  n: number,
): ChangeRecord {
  return makeRecord({
    poolId: POOL,
    entity: `user:${name}`,
    head: previous
      ? { version: previous.version, hash: previous.hash, doc: previous.after }
      : { version: 0, hash: null, doc: null },
    after: { n },
    validFrom,
    observedAt: validFrom,
    source: 'cloudtrail',
  });
}

/** An empty first snapshot an hour ago, so compaction has a base. */
async function emptyBase(store: AwsStore): Promise<SnapshotManifest> {
  const at = new Date(Date.now() - 60 * MINUTE).toISOString();
  return store.snapshots.write(
    {
      poolId: POOL,
      snapshotId: ulid(Date.parse(at)),
      at,
      createdAt: at,
      kind: 'scan',
      lastChangeId: null,
      logPosition: LOG_ORIGIN,
      counts: {},
      notCaptured: [],
    },
    [],
  );
}

async function usersAt(store: AwsStore, at: string): Promise<Record<string, unknown>> {
  const state = await stateAt(store, POOL, at);
  const entries = await toArray(state.entities);
  return Object.fromEntries(entries.map((entry) => [entry.key, entry.doc]));
}

describe.each([
  ['a capture machine whose clock is 10 minutes behind', { compactor: 0, writer: -10 * MINUTE }],
  ['a snapshot machine whose clock is 10 minutes ahead', { compactor: 10 * MINUTE, writer: 0 }],
])('%s, on one AWS store (dynalite, s3rver)', (_name, skew) => {
  it('loses no late record: state(T) after the next compaction holds it', async () => {
    const open = await sharedStore();
    const compactor = open(shifted(skew.compactor));
    const writer = open(shifted(skew.writer));
    opened.push(compactor, writer);
    const base = await emptyBase(compactor);
    const early = change('early', undefined, new Date(Date.now() - 30 * MINUTE).toISOString(), 1);
    await writer.changeLog.append(early);

    // The hourly compaction, dated by the compactor's clock.
    const snapshot = await compactFromLog(compactor, base, compactor.clock.now().toISOString(), {
      clock: compactor.clock,
    });
    // A change made a minute ago (before that snapshot), whose CloudTrail event reached capture only now.
    const lateValidFrom = new Date(Date.now() - MINUTE).toISOString();
    const late = change('late', undefined, lateValidFrom, 2);
    await writer.changeLog.append(late);

    // Later: state at the snapshot's time, and at the next compaction's.
    expect(await usersAt(compactor, snapshot.at)).toEqual({ 'user:early': { n: 1 }, 'user:late': { n: 2 } });
    const next = await compactFromLog(compactor, snapshot, snapshot.at, { clock: compactor.clock });
    expect(await usersAt(compactor, next.at)).toEqual({ 'user:early': { n: 1 }, 'user:late': { n: 2 } });
  });
});

describe('the AWS store clock', () => {
  it("is the services' time, whatever the local clock says", async () => {
    const open = await sharedStore();
    const store = open(shifted(-10 * MINUTE));
    opened.push(store);
    await store.changeLog.head(POOL, 'pool');
    expect(Math.abs(store.clock.now().getTime() - systemClock.now().getTime())).toBeLessThan(5_000);
  });
});

/**
 * A fault: every answer's Date header replaced (`undefined`: removed) before the clock's observer sees
 * it. Placed right after the observer, so it is nearer the wire.
 */
function rewriteDate(clients: DynamoClients, date: string | undefined): void {
  const fault: Parameters<DynamoClients['client']['middlewareStack']['add']>[0] = (next) => async (args) => {
    const result = await next(args);
    const response = result.response as { headers: Record<string, string> };
    delete response.headers.date;
    if (date !== undefined) response.headers.date = date;
    return result;
  };
  clients.client.middlewareStack.addRelativeTo(fault, {
    relation: 'after',
    toMiddleware: 'observeServiceTime',
    name: 'rewriteDate',
  });
}

describe("the services' time, from their answers' Date headers", () => {
  async function logOn(date: string | undefined) {
    stores += 1;
    const tableName = `clock-date-${stores}`;
    const clients = createDynamoClients({ endpoint: dynalite.endpoint });
    await createChangeLogTable(clients.client, tableName);
    const clock = new ServiceClock({
      probe: () => clients.client.send(new DescribeTableCommand({ TableName: tableName })),
    });
    observeServiceTime(clients.client, clock, 'DynamoDB');
    rewriteDate(clients, date);
    const log = new DynamoChangeLog(clients.doc, { tableName, blobs: new MemoryBlobStore(), clock });
    return { clients, clock, log, tableName };
  }

  it("dates appends and positions by the service's clock, not this machine's", async () => {
    const { clients, clock, log } = await logOn('Tue, 01 Jan 2030 00:00:00 GMT');
    try {
      const record = change('dated', undefined, '2029-12-31T23:59:00.000Z', 1);
      await log.append(record);
      expect(Math.abs(clock.now().getTime() - Date.parse('2030-01-01T00:00:00.500Z'))).toBeLessThan(5_000);
      const position = await log.position(POOL);
      expect(position.slice(0, 15)).toBe('2029-12-31T23:5');
      expect((await toArray(log.appendedSince(POOL, position))).map((r) => r.id)).toEqual([record.id]);
    } finally {
      clients.client.destroy();
    }
  });

  it('refuses to append with ClockSkewError when no answer tells the time, and writes nothing', async () => {
    const { clients, log, tableName } = await logOn(undefined);
    const reader = createDynamoClients({ endpoint: dynalite.endpoint });
    try {
      const record = change('undated', undefined, new Date().toISOString(), 1);
      await expect(log.append(record)).rejects.toBeInstanceOf(ClockSkewError);
      await expect(log.position(POOL)).rejects.toBeInstanceOf(ClockSkewError);
      const other = new DynamoChangeLog(reader.doc, { tableName, blobs: new MemoryBlobStore() });
      expect(await other.head(POOL, 'user:undated')).toBeUndefined();
    } finally {
      clients.client.destroy();
      reader.client.destroy();
    }
  });
});
