/**
 * What the contract cannot show of `DynamoEventTrail`: the order of its writes under a crash (fault
 * injection at the HTTP layer, below the SDK's retries), the TTL stamp of personal data, and that every
 * call it makes is a keyed read or a Query — never a Scan.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { entry, POOL } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../errors.js';
import { DynamoEventTrail } from './dynamoEventTrail.js';
import { createChangeLogTable } from './dynamoTable.js';
import { type DynamoTestbed, startTestbed } from './dynamoTestbed.testing.js';
import { entryKey, personalKey } from './dynamoTrailItems.js';

let bed: DynamoTestbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.stop();
});

interface HttpRequestLike {
  headers?: Record<string, string>;
  body?: unknown;
}

const operationOf = (request: HttpRequestLike): string =>
  (request.headers?.['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');

const bodyText = ({ body }: HttpRequestLike): string =>
  body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body ?? '');

/** Is this the PutItem of an entry item (the one conditional put that decides)? */
const isEntryPut = (request: HttpRequestLike): boolean =>
  operationOf(request) === 'PutItem' && bodyText(request).includes('"sk":{"S":"T"}');

/** Runs `work` with `middleware` on every HTTP request of the shared client (build step: before retries). */
async function intercepting<T>(
  name: string,
  middleware: (request: HttpRequestLike, send: () => Promise<unknown>) => Promise<unknown>,
  work: () => Promise<T>,
): Promise<T> {
  bed.client.middlewareStack.add(
    (next) => async (args) => middleware(args.request as HttpRequestLike, () => next(args)) as never,
    { step: 'build', name },
  );
  try {
    return await work();
  } finally {
    bed.client.middlewareStack.remove(name);
  }
}

/** The items of one table partition, as stored. */
async function partition(tableName: string, pk: string) {
  const { Items = [] } = await bed.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return Items;
}

describe('DynamoEventTrail write order', () => {
  it('a writer that died between its entity index items and its entry leaves nothing a reader trusts', async () => {
    const tableName = await bed.newTable();
    const trail = new DynamoEventTrail(bed.doc, { tableName });
    const died = entry('evt-crash', {
      eventTime: '2024-06-01T10:00:20.000Z',
      entities: ['group:g', 'user:ghost'],
    });
    await intercepting(
      'dieBeforeEntry',
      async (request, send) => {
        if (isEntryPut(request)) throw new Error('the writer died here');
        return send();
      },
      () => expect(trail.record(died)).rejects.toThrow('the writer died here'),
    );
    // Its index items are stored...
    expect(await partition(tableName, `TE#${POOL}#user:ghost`)).toHaveLength(1);
    // ...and trusted by no reader.
    expect(await trail.get(POOL, 'evt-crash')).toBeUndefined();
    expect(await trail.query(POOL, { entity: 'user:ghost' })).toEqual({ entries: [] });
    expect(await trail.query(POOL)).toEqual({ entries: [] });

    // The event comes again, another time and fewer entities: recorded, and each index shows it once.
    const again = entry('evt-crash', { eventTime: '2024-06-01T10:00:10.000Z', entities: ['group:g'] });
    expect(await trail.record(again)).toBe('recorded');
    expect(await trail.query(POOL, { entity: 'group:g', limit: 1 })).toStrictEqual({ entries: [again] });
    expect(await trail.query(POOL, { entity: 'user:ghost' })).toEqual({ entries: [] });
    expect((await trail.query(POOL)).entries).toStrictEqual([again]);
  });

  it('answers recorded, personal data written, when its own entry landed but the answer was lost', async () => {
    const tableName = await bed.newTable();
    const trail = new DynamoEventTrail(bed.doc, { tableName });
    const e = entry('evt-lost-answer');
    let resent = 0;
    const outcome = await intercepting(
      'loseFirstAnswer',
      async (request, send) => {
        if (!isEntryPut(request) || resent > 0) return send();
        resent += 1;
        await send();
        // As the SDK does after a timeout: the same request again, which the condition now refuses.
        return send();
      },
      () => trail.record(e),
    );
    expect(resent).toBe(1);
    expect(outcome).toBe('recorded');
    expect(await trail.get(POOL, 'evt-lost-answer')).toStrictEqual(e);
  });

  it('a writer that loses the race removes the index items the winner does not have', async () => {
    const tableName = await bed.newTable();
    const trail = new DynamoEventTrail(bed.doc, { tableName });
    await trail.record(entry('evt-won', { entities: ['user:a', 'user:both'] }));
    expect(await trail.record(entry('evt-won', { entities: ['user:b', 'user:both'] }))).toBe('duplicate');
    expect(await partition(tableName, `TE#${POOL}#user:b`)).toEqual([]);
    expect(await partition(tableName, `TE#${POOL}#user:both`)).toHaveLength(1);
    expect(await partition(tableName, `TE#${POOL}#user:a`)).toHaveLength(1);
  });
});

describe('DynamoEventTrail personal data', () => {
  it('keeps sourceIp and userAgent in their own item, stamped for TTL when a retention is set', async () => {
    const tableName = await bed.newTable();
    const e = entry('evt-ttl', { eventTime: '2024-06-01T10:00:00.000Z' });
    await new DynamoEventTrail(bed.doc, { tableName, personalDataRetentionDays: 30 }).record(e);
    await new DynamoEventTrail(bed.doc, { tableName }).record(entry('evt-kept'));
    const read = async (key: { pk: string; sk: string }) =>
      (await bed.doc.send(new GetCommand({ TableName: tableName, Key: key }))).Item;

    const personal = await read(personalKey(POOL, 'evt-ttl'));
    expect(personal).toMatchObject({ sourceIp: e.sourceIp, userAgent: e.userAgent });
    expect(personal?.expiresAt).toBe(Date.parse('2024-06-01T10:00:00.000Z') / 1000 + 30 * 86_400);
    const main = await read(entryKey(POOL, 'evt-ttl'));
    expect(JSON.stringify(main)).not.toContain(e.sourceIp);
    expect(JSON.stringify(main)).not.toContain(e.userAgent);
    expect((await read(personalKey(POOL, 'evt-kept')))?.expiresAt).toBeUndefined();
  });

  it('refuses a retention that is not a positive number of days', () => {
    for (const days of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(
        () => new DynamoEventTrail(bed.doc, { tableName: 't', personalDataRetentionDays: days }),
      ).toThrow(InvalidInputError);
  });
});

describe('DynamoEventTrail reads', () => {
  it('makes only keyed reads, Queries and batches — never a Scan', async () => {
    const tableName = await bed.newTable();
    const trail = new DynamoEventTrail(bed.doc, { tableName });
    const operations = new Set<string>();
    await intercepting(
      'observeOperations',
      async (request, send) => {
        operations.add(operationOf(request));
        return send();
      },
      async () => {
        await trail.record(entry('evt-1', { eventTime: '2024-06-01T10:00:01.000Z' }));
        await trail.record(entry('evt-2', { eventTime: '2024-06-01T10:00:02.000Z' }));
        await trail.record(entry('evt-1'));
        await trail.get(POOL, 'evt-1');
        for (const query of [{}, { entity: 'user:bob' }, { caller: 'x' }, { eventName: 'y' }])
          await trail.query(POOL, { ...query, limit: 1, since: '2024-06-01T10:00:00.000Z' });
        await trail.forgetPersonalData(POOL, '2024-06-02T00:00:00.000Z');
      },
    );
    expect([...operations].sort()).toEqual(
      ['BatchGetItem', 'BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query'].sort(),
    );
  });

  it('store init asks DynamoDB to expire items by expiresAt, and goes on where TTL is missing (dynalite)', async () => {
    const operations: string[] = [];
    await intercepting(
      'observeInit',
      async (request, send) => {
        operations.push(operationOf(request));
        return send();
      },
      () => createChangeLogTable(bed.client, 'ttl-check'),
    );
    expect(operations).toContain('UpdateTimeToLive');
  });
});
