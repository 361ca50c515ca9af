import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { changeLogContract } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { recordHash } from '../../changes/hash.js';
import { ChangeLogCorruptError, VersionConflictError } from '../../errors.js';
import { MemoryBlobStore } from '../memory/memoryBlobStore.js';
import { DynamoChangeLog } from './dynamoChangeLog.js';
import { at, chain, type DynamoTestbed, nextRecord, POOL, startTestbed } from './dynamoTestbed.testing.js';

let bed: DynamoTestbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.stop();
});

changeLogContract('DynamoChangeLog on dynalite', async () => {
  const tableName = await bed.newTable();
  // The blob store is part of the storage: a reopened log shares it, as it would share a bucket.
  const blobs = new MemoryBlobStore();
  const open = () => new DynamoChangeLog(bed.doc, { tableName, blobs });
  return {
    log: open(),
    reopen: async () => open(),
    cleanup: () => bed.dropTable(tableName),
    exactPosition: false,
    async tamper(poolId, entity, version, edit) {
      const Key = { pk: `R#${poolId}#${entity}`, sk: `V#${String(version).padStart(10, '0')}` };
      const { Item } = await bed.doc.send(new GetCommand({ TableName: tableName, Key }));
      const json = JSON.parse(String(Item?.record)) as Record<string, unknown>;
      edit(json);
      await bed.doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #record = :record',
          ExpressionAttributeNames: { '#record': 'record' },
          ExpressionAttributeValues: { ':record': JSON.stringify(json) },
        }),
      );
    },
  };
});

const event = (eventId: string) => ({ name: 'AdminUpdateUserAttributes', eventId });

/** Every item of one partition, straight from the table. */
async function partition(tableName: string, pk: string) {
  const { Items } = await bed.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

const guardPk = (entity: string, eventId: string) => `E#${POOL}#${entity}#${eventId}`;

interface HttpRequestLike {
  headers?: Record<string, string>;
  body?: unknown;
}

const bodyText = (body: unknown): string =>
  body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body);

/** Is this HTTP request a PutItem of a record item (not a guard) whose key starts with `pkPrefix`? */
const isRecordPut = (request: HttpRequestLike, pkPrefix = `R#${POOL}#`): boolean =>
  request.headers?.['x-amz-target'] === 'DynamoDB_20120810.PutItem' &&
  bodyText(request.body).includes(`"pk":{"S":"${pkPrefix}`);

/** Runs `work` with every record PutItem delayed by `ms` before it is sent (latency injection). */
async function withSlowRecordPuts<T>(ms: number, work: () => Promise<T>): Promise<T> {
  bed.client.middlewareStack.add(
    (next) => async (args) => {
      if (isRecordPut(args.request as HttpRequestLike)) await new Promise((r) => setTimeout(r, ms));
      return next(args);
    },
    { step: 'build', name: 'slowRecordPuts' },
  );
  try {
    return await work();
  } finally {
    bed.client.middlewareStack.remove('slowRecordPuts');
  }
}

describe('DynamoChangeLog event guard', () => {
  let tableName: string;
  let log: DynamoChangeLog;
  beforeAll(async () => {
    tableName = await bed.newTable();
    log = bed.log(tableName);
  });

  const writeGuard = (entity: string, eventId: string, version: number, id: string) =>
    bed.doc.send(
      new PutCommand({ TableName: tableName, Item: { pk: guardPk(entity, eventId), sk: 'E', version, id } }),
    );

  it('gets past the guard a writer left when it crashed before putting its record', async () => {
    const [v1] = chain('user:crash', [{ validFrom: at(1), event: event('e-1') }]) as [ChangeRecord];
    await log.append(v1);
    // The crashed writer claimed e-crash for version 2 and never put its record.
    const lost = nextRecord('user:crash', v1, { validFrom: at(2), event: event('e-crash') });
    await writeGuard('user:crash', 'e-crash', 2, lost.id);

    const redelivered = nextRecord('user:crash', v1, { validFrom: at(2), event: event('e-crash') });
    expect(await log.append(redelivered)).toBe('appended');
    expect(await log.head(POOL, 'user:crash')).toStrictEqual(redelivered);
    const [guard] = await partition(tableName, guardPk('user:crash', 'e-crash'));
    expect(guard).toMatchObject({ version: 2, id: redelivered.id });
    // And now the event is held: a third delivery stores nothing.
    const third = nextRecord('user:crash', redelivered, { validFrom: at(2), event: event('e-crash') });
    expect(await log.append(third)).toBe('duplicate');
    expect((await toArray(log.entityHistory(POOL, 'user:crash'))).map((r) => r.id)).toEqual([
      v1.id,
      redelivered.id,
    ]);
  });

  it('takes over a guard whose version another record holds (its writer lost the race and crashed)', async () => {
    const [v1, v2] = chain('user:lost', [
      { validFrom: at(1), event: event('e-a') },
      { validFrom: at(2), event: event('e-b') },
    ]) as [ChangeRecord, ChangeRecord];
    await log.append(v1);
    await log.append(v2);
    await writeGuard('user:lost', 'e-lost', 2, nextRecord('user:lost', v1, { validFrom: at(3) }).id);
    const v3 = nextRecord('user:lost', v2, { validFrom: at(3), event: event('e-lost') });
    expect(await log.append(v3)).toBe('appended');
    expect(await log.head(POOL, 'user:lost')).toStrictEqual(v3);
  });

  it('sends a writer whose head is behind a live guard back to re-read it, then lets it contest', async () => {
    const [v1, v2] = chain('user:ahead', [{ validFrom: at(1) }, { validFrom: at(2) }]) as [
      ChangeRecord,
      ChangeRecord,
    ];
    await log.append(v1);
    await log.append(v2);
    // Another delivery of e-ahead, which read v2 as its head, is about to put version 3.
    const inFlight = nextRecord('user:ahead', v2, { validFrom: at(3), event: event('e-ahead') });
    await writeGuard('user:ahead', 'e-ahead', 3, inFlight.id);
    // This delivery read a stale head (v1): it is sent back rather than racing for another version.
    const stale = nextRecord('user:ahead', v1, { validFrom: at(3), event: event('e-ahead') });
    await expect(log.append(stale)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await log.head(POOL, 'user:ahead')).toStrictEqual(v2);
    // With the current head it contests the very version the guard names (its writer never landed).
    const current = nextRecord('user:ahead', v2, { validFrom: at(3), event: event('e-ahead') });
    expect(await log.append(current)).toBe('appended');
    expect(await log.append(inFlight)).toBe('duplicate');
    expect(await log.head(POOL, 'user:ahead')).toStrictEqual(current);
  });

  it('stores one record and one guard for an event delivered twice', async () => {
    const [first] = chain('user:twice', [{ validFrom: at(1), event: event('e-twice') }]) as [ChangeRecord];
    expect(await log.append(first)).toBe('appended');
    const again = nextRecord('user:twice', first, { validFrom: at(1), event: event('e-twice') });
    expect(await log.append(again)).toBe('duplicate');
    expect(await bed.log(tableName).append(again)).toBe('duplicate');
    expect(await partition(tableName, `R#${POOL}#user:twice`)).toHaveLength(1);
    expect(await partition(tableName, guardPk('user:twice', 'e-twice'))).toHaveLength(1);
  });

  it('lets one of many concurrent deliveries of one event land, the others answer duplicate', async () => {
    const [base] = chain('group:busy', [{ validFrom: at(1) }]) as [ChangeRecord];
    await log.append(base);
    const deliver = async (writer: number) => {
      const mine = bed.log(tableName);
      for (;;) {
        const head = await mine.head(POOL, 'group:busy');
        const record = nextRecord('group:busy', head, {
          validFrom: at(5),
          after: { writer },
          event: event('e-storm'),
        });
        try {
          return await mine.append(record);
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
        }
      }
    };
    // Slow record puts (not guards) keep deliveries in flight together: guards are then found with
    // their version still empty, taken over, and raced for.
    const outcomes = await withSlowRecordPuts(150, () =>
      Promise.all(Array.from({ length: 6 }, (_, writer) => deliver(writer))),
    );
    expect(outcomes.sort()).toEqual(['appended', ...Array(5).fill('duplicate')]);
    const history = await toArray(log.entityHistory(POOL, 'group:busy'));
    expect(history.filter((r) => r.event?.eventId === 'e-storm')).toHaveLength(1);
    const [guard] = await partition(tableName, guardPk('group:busy', 'e-storm'));
    expect(guard?.id).toBe(history.at(-1)?.id);
  });

  it('escapes # in event ids, so entity and event id split one way only', async () => {
    const [a] = chain('user:a#b', [{ validFrom: at(1), event: event('c') }]) as [ChangeRecord];
    const [b] = chain('user:a', [{ validFrom: at(1), event: event('b#c') }]) as [ChangeRecord];
    expect(await log.append(a)).toBe('appended');
    expect(await log.append(b)).toBe('appended');
  });
});

describe('DynamoChangeLog large records', () => {
  it('keeps a record over 400 KB in the blob store and reads it back whole', async () => {
    const tableName = await bed.newTable();
    const blobs = new MemoryBlobStore();
    const log = bed.log(tableName, { blobs });
    const image = 'data:image/png;base64,'.padEnd(450_000, 'QUJD');
    const [big, small] = chain('ui:ALL', [
      { validFrom: at(1), after: { ImageFile: image }, event: event('e-big') },
      { validFrom: at(2), after: { CSS: '.a{}' } },
    ]) as [ChangeRecord, ChangeRecord];
    const key = `cognito-backup/${POOL}/changes/large/${big.id}.json`;
    // A retry of the same record finds its blob already written: the same bytes are accepted.
    await blobs.put(key, new TextEncoder().encode(JSON.stringify(big)));
    expect(await log.append(big)).toBe('appended');
    await log.append(small);

    const [bigItem, smallItem] = await partition(tableName, `R#${POOL}#ui:ALL`);
    expect(bigItem).toMatchObject({ recordKey: key, version: 1, tlSk: `${at(1)}#${big.id}` });
    expect(bigItem?.record).toBeUndefined();
    expect(smallItem?.recordKey).toBeUndefined();
    expect(typeof smallItem?.record).toBe('string');

    const reopened = bed.log(tableName, { blobs });
    expect(await toArray(reopened.entityHistory(POOL, 'ui:ALL'))).toStrictEqual([big, small]);
    expect(await toArray(reopened.timeline(POOL, { upTo: at(1) }))).toStrictEqual([big]);
    expect(await toArray(reopened.changesByEvent(POOL, 'AdminUpdateUserAttributes'))).toStrictEqual([big]);
  });

  it('reports a large record whose blob is missing as damage', async () => {
    const tableName = await bed.newTable();
    const blobs = new MemoryBlobStore();
    const log = bed.log(tableName, { blobs });
    const [big] = chain('ui:ALL', [{ validFrom: at(1), after: { ImageFile: 'x'.repeat(400_000) } }]) as [
      ChangeRecord,
    ];
    await log.append(big);
    blobs.objects.clear();
    await expect(log.head(POOL, 'ui:ALL')).rejects.toThrow(/is missing/);
  });

  it('refuses a large body swapped in the bucket, even one whose own hash was recomputed to match', async () => {
    const tableName = await bed.newTable();
    const blobs = new MemoryBlobStore();
    const log = bed.log(tableName, { blobs });
    const [big] = chain('ui:ALL', [{ validFrom: at(1), after: { ImageFile: 'x'.repeat(400_000) } }]) as [
      ChangeRecord,
    ];
    await log.append(big);
    expect(await log.head(POOL, 'ui:ALL')).toStrictEqual(big);
    // Someone who can write to the bucket, not the table: a self-consistent record in its place.
    const forged = { ...big, after: { ImageFile: 'y'.repeat(400_000) } };
    forged.hash = recordHash(forged);
    const key = `cognito-backup/${POOL}/changes/large/${big.id}.json`;
    blobs.objects.set(key, new TextEncoder().encode(JSON.stringify(forged)));
    await expect(log.head(POOL, 'ui:ALL')).rejects.toThrow(
      /large record .* is not the body the table recorded/,
    );
    await expect(toArray(log.entityHistory(POOL, 'ui:ALL'))).rejects.toThrow(ChangeLogCorruptError);
  });
});

describe('DynamoChangeLog faults', () => {
  it('rejects an append whose PutItem fails on the network, stores nothing, and takes the retry', async () => {
    const tableName = await bed.newTable();
    const log = bed.log(tableName);
    const [v1, v2] = chain('user:net', [
      { validFrom: at(1), event: event('e-n1') },
      { validFrom: at(2), event: event('e-n2') },
    ]) as [ChangeRecord, ChangeRecord];
    await log.append(v1);

    let failures = 0;
    // Before the retry middleware (build step): the one call fails, as if every attempt had.
    bed.client.middlewareStack.add(
      (next) => async (args) => {
        if (isRecordPut(args.request as HttpRequestLike, `R#${POOL}#user:net"`) && failures === 0) {
          failures += 1;
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
        }
        return next(args);
      },
      { step: 'build', name: 'failOneRecordPut' },
    );
    try {
      await expect(log.append(v2)).rejects.toThrow('socket hang up');
      expect(failures).toBe(1);
      expect(await log.head(POOL, 'user:net')).toStrictEqual(v1);
      // The caller retries the same record: the guard it left behind is its own, and the put lands.
      expect(await log.append(v2)).toBe('appended');
      expect(await toArray(log.entityHistory(POOL, 'user:net'))).toStrictEqual([v1, v2]);
    } finally {
      bed.client.middlewareStack.remove('failOneRecordPut');
    }
  });

  it('answers appended when a retried record turns out to have landed the first time', async () => {
    const tableName = await bed.newTable();
    const log = bed.log(tableName);
    const [v1] = chain('user:landed', [{ validFrom: at(1) }]) as [ChangeRecord];
    const [e1] = chain('user:landed-e', [{ validFrom: at(1), event: event('e-landed') }]) as [ChangeRecord];
    await log.append(v1);
    await log.append(e1);
    expect(await log.append(v1)).toBe('appended');
    expect(await log.append(e1)).toBe('appended');
    expect(await partition(tableName, `R#${POOL}#user:landed`)).toHaveLength(1);
  });
});

describe('DynamoChangeLog positions', () => {
  it('dates positions positionLagMs before now and returns everything recorded since', async () => {
    const tableName = await bed.newTable();
    let now = Date.parse('2025-06-01T12:00:00.000Z');
    const clock = { now: () => new Date(now) };
    const log = bed.log(tableName, { clock, positionLagMs: 60_000 });
    const [old, recent, late] = chain('user:pos', [
      { validFrom: at(1) },
      { validFrom: at(2) },
      { validFrom: at(3) },
    ]) as [ChangeRecord, ChangeRecord, ChangeRecord];
    await log.append(old);
    now += 10 * 60_000;
    await log.append(recent);
    const mark = await log.position(POOL);
    expect(mark).toBe('2025-06-01T12:09:00.000Z');
    now += 1;
    await log.append(late);
    const since = await toArray(log.appendedSince(POOL, mark));
    expect(since.map((r) => r.version).sort()).toEqual([2, 3]);
    expect((await toArray(log.appendedSince(POOL, '0'))).length).toBe(3);
    const filtered = await toArray(log.appendedSince(POOL, mark, { validUpTo: at(2) }));
    expect(filtered).toStrictEqual([recent]);
  });
});
