import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import { byTimeline } from '../../changeLog/timeline.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { TimeRange } from '../../changes/logPosition.js';
import { MANIFEST_FORMAT, type SnapshotManifest } from '../../model/snapshotFormat.js';
import type { DynamoChangeLog } from './dynamoChangeLog.js';
import { DynamoSnapshotCatalog } from './dynamoSnapshotCatalog.js';
import { at, chain, type DynamoTestbed, nextRecord, POOL, startTestbed } from './dynamoTestbed.testing.js';

const OTHER_POOL = 'eu-west-1_Dynamo2';
const ALICE = 'arn:aws:sts::123456789012:assumed-role/Admin/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';

let bed: DynamoTestbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.stop();
});

const ids = (records: readonly ChangeRecord[]) => records.map((r) => r.id);
const inOrder = (records: readonly ChangeRecord[]) => [...records].sort(byTimeline);

describe('DynamoChangeLog audit queries', () => {
  let log: DynamoChangeLog;
  let all: ChangeRecord[];
  const by = (actor: string) => ({ name: 'AdminUpdateUserAttributes', actorArn: actor });

  beforeAll(async () => {
    log = bed.log(await bed.newTable());
    const ann = chain('user:ann', [
      { validFrom: at(10), event: { name: 'AdminCreateUser', actorArn: ALICE } },
      { validFrom: at(20), event: by(BOB) },
      // A late arrival: version 3 happened before version 2.
      { validFrom: '2024-01-01T00:00:14.999Z', event: by(ALICE) },
      { validFrom: at(30), event: { name: 'AdminDeleteUser', actorArn: ALICE } },
    ]);
    const admins = chain('group:admins', [
      { validFrom: at(15), event: { name: 'CreateGroup', actorArn: BOB } },
      { validFrom: '2024-01-01T00:00:15.001Z', source: 'reconcile' },
      { validFrom: at(30), event: { name: 'UpdateGroup' } },
    ]);
    const elsewhere = chain('user:ann', [{ validFrom: at(20), event: by(ALICE), poolId: OTHER_POOL }]);
    all = [...ann, ...admins];
    for (const record of [...all, ...elsewhere]) await log.append(record);
  });

  it('answers what one principal changed, in timeline order, within exact bounds', async () => {
    const alice = inOrder(all.filter((r) => r.event?.actorArn === ALICE));
    expect(ids(await toArray(log.changesByActor(POOL, ALICE)))).toEqual(ids(alice));
    expect(alice).toHaveLength(3);
    const window = await toArray(log.changesByActor(POOL, ALICE, { after: at(10), upTo: at(30) }));
    expect(window.map((r) => r.validFrom)).toEqual(['2024-01-01T00:00:14.999Z', at(30)]);
    const edge = { after: '2024-01-01T00:00:14.998Z', upTo: '2024-01-01T00:00:14.999Z' };
    expect(await toArray(log.changesByActor(POOL, ALICE, edge))).toHaveLength(1);
    expect(await toArray(log.changesByActor(POOL, ALICE, { upTo: '2024-01-01T00:00:09.999Z' }))).toEqual([]);
    expect(ids(await toArray(log.changesByActor(POOL, BOB)))).toEqual(
      ids(inOrder(all.filter((r) => r.event?.actorArn === BOB))),
    );
    expect(await toArray(log.changesByActor(POOL, 'arn:aws:iam::123456789012:user/nobody'))).toEqual([]);
    expect(await toArray(log.changesByActor(OTHER_POOL, ALICE))).toHaveLength(1);
  });

  it('answers which changes one kind of API call made, within exact bounds', async () => {
    const updates = inOrder(all.filter((r) => r.event?.name === 'AdminUpdateUserAttributes'));
    expect(ids(await toArray(log.changesByEvent(POOL, 'AdminUpdateUserAttributes')))).toEqual(ids(updates));
    expect(await toArray(log.changesByEvent(POOL, 'AdminDeleteUser', { after: at(30) }))).toEqual([]);
    const deleted = await toArray(
      log.changesByEvent(POOL, 'AdminDeleteUser', { after: at(29), upTo: at(30) }),
    );
    expect(deleted.map((r) => [r.entity, r.after])).toEqual([['user:ann', { at: at(30) }]]);
    // Records without an actor still answer by event name; records without an event do not appear.
    expect(await toArray(log.changesByEvent(POOL, 'UpdateGroup'))).toHaveLength(1);
  });

  it('answers one entity within a time range, by validFrom rather than version', async () => {
    const range: TimeRange = { after: at(10), upTo: at(20) };
    const between = await toArray(log.entityHistoryBetween(POOL, 'user:ann', range));
    expect(between.map((r) => r.version)).toEqual([3, 2]);
    expect(await toArray(log.entityHistoryBetween(POOL, 'user:ann'))).toStrictEqual(
      inOrder(all.filter((r) => r.entity === 'user:ann')),
    );
    const admins = await toArray(log.entityHistoryBetween(POOL, 'group:admins', { upTo: at(15) }));
    expect(admins.map((r) => r.version)).toEqual([1]);
    expect(await toArray(log.entityHistoryBetween(POOL, 'user:nobody'))).toEqual([]);
    expect(
      await toArray(log.entityHistoryBetween(POOL, 'user:ann', { after: at(20), upTo: at(10) })),
    ).toEqual([]);
  });
});

const manifest = (snapshotId: string, time: string, logPosition?: string): SnapshotManifest => ({
  format: MANIFEST_FORMAT,
  poolId: POOL,
  snapshotId,
  at: time,
  createdAt: time,
  kind: 'scan',
  lastChangeId: null,
  notCaptured: [],
  counts: { user: 2, group: 1 },
  entities: 3,
  bytes: 1234,
  sha256: 'a'.repeat(64),
  object: `cognito-backup/${POOL}/snapshots/${snapshotId}.jsonl.gz`,
  ...(logPosition === undefined ? {} : { logPosition }),
});

describe('DynamoSnapshotCatalog', () => {
  it('finds the newest snapshot at or before a time, and lists them all oldest first', async () => {
    const catalog = new DynamoSnapshotCatalog(bed.doc, { tableName: await bed.newTable() });
    const first = manifest('01J0000000000000000000000A', at(10));
    const second = { ...manifest('01J0000000000000000000000B', at(20), at(19)), kind: 'compaction' as const };
    const secondToo = manifest('01J0000000000000000000000C', at(20));
    const third = {
      ...manifest('01J0000000000000000000000D', at(30)),
      lastChangeId: '01J00000000000000000000XYZ',
    };
    for (const m of [third, first, secondToo, second]) await catalog.record(m);
    await catalog.record(second);

    expect(await catalog.newestAtOrBefore(POOL, '2024-01-01T00:00:09.999Z')).toBeUndefined();
    expect(await catalog.newestAtOrBefore(POOL, at(10))).toStrictEqual(first);
    expect(await catalog.newestAtOrBefore(POOL, '2024-01-01T00:00:19.999Z')).toStrictEqual(first);
    expect(await catalog.newestAtOrBefore(POOL, at(20))).toStrictEqual(secondToo);
    expect(await catalog.newestAtOrBefore(POOL, '2024-01-01T00:00:20+00:00')).toStrictEqual(secondToo);
    expect(await catalog.newestAtOrBefore(POOL, at(99))).toStrictEqual(third);
    expect(await catalog.newestAtOrBefore(OTHER_POOL, at(99))).toBeUndefined();
    const listed = await toArray(catalog.list(POOL));
    expect(listed).toStrictEqual([first, second, secondToo, third]);
    expect(listed[1]?.logPosition).toBe(at(19));
  });
});

describe('pagination with pageSize 7', () => {
  const COUNT = 40;
  let queries = 0;
  beforeAll(() => {
    // Observes (never changes) every Query sent, to show the reads really took many small pages.
    bed.client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers;
        if (headers?.['x-amz-target'] === 'DynamoDB_20120810.Query') queries += 1;
        return next(args);
      },
      { step: 'build', name: 'countQueries' },
    );
  });
  afterAll(() => {
    bed.client.middlewareStack.remove('countQueries');
  });

  /** Reads `source` whole, and checks it took at least the pages `expected` records need. */
  async function paged(source: AsyncIterable<ChangeRecord>, expected: number): Promise<ChangeRecord[]> {
    queries = 0;
    const records = await toArray(source);
    expect(records).toHaveLength(expected);
    expect(queries).toBeGreaterThanOrEqual(Math.ceil(expected / 7));
    return records;
  }

  it('follows every page of every query kind', async () => {
    const tableName = await bed.newTable();
    const writer = bed.log(tableName);
    const records: ChangeRecord[] = [];
    for (let i = 0; i < COUNT; i++) {
      const event = { name: 'AdminUpdateUserAttributes', actorArn: ALICE, eventId: `page-${i}` };
      records.push(nextRecord('user:paged', records.at(-1), { validFrom: at(100 + i), event }));
    }
    for (const record of records) await writer.append(record);
    const log = bed.log(tableName, { pageSize: 7 });

    expect(await paged(log.entityHistory(POOL, 'user:paged'), COUNT)).toStrictEqual(records);
    expect(ids(await paged(log.timeline(POOL), COUNT))).toEqual(ids(records));
    expect(ids(await paged(log.timeline(POOL, { after: at(104), upTo: at(130) }), 26))).toEqual(
      ids(records.slice(5, 31)),
    );
    expect(ids(await paged(log.changesByActor(POOL, ALICE), COUNT))).toEqual(ids(records));
    expect(ids(await paged(log.changesByEvent(POOL, 'AdminUpdateUserAttributes'), COUNT))).toEqual(
      ids(records),
    );
    const between = log.entityHistoryBetween(POOL, 'user:paged', { after: at(100) });
    expect(ids(await paged(between, COUNT - 1))).toEqual(ids(records.slice(1)));
    const since = await paged(log.appendedSince(POOL, '0'), COUNT);
    expect(ids(since).sort()).toEqual(ids(records).sort());
    // The filter runs after each page's Limit: pages may come back empty, and are followed anyway.
    const early = await paged(log.appendedSince(POOL, '0', { validUpTo: at(102) }), 3);
    expect(ids(early).sort()).toEqual(ids(records.slice(0, 3)).sort());

    const catalog = new DynamoSnapshotCatalog(bed.doc, { tableName, pageSize: 7 });
    const manifests = Array.from({ length: 20 }, (_, i) =>
      manifest(`01J00000000000000000000${String(i).padStart(3, '0')}`, at(i)),
    );
    for (const m of manifests) await catalog.record(m);
    queries = 0;
    expect(await toArray(catalog.list(POOL))).toStrictEqual(manifests);
    expect(queries).toBeGreaterThanOrEqual(3);
  });
});
