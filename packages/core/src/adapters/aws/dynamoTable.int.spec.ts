import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { InvalidInputError, StoreNotInitializedError } from '../../errors.js';
import type { SnapshotManifest } from '../../model/snapshotFormat.js';
import { DynamoSnapshotCatalog } from './dynamoSnapshotCatalog.js';
import { changeLogTableDefinition, createChangeLogTable, INDEX } from './dynamoTable.js';
import { at, chain, type DynamoTestbed, POOL, startTestbed } from './dynamoTestbed.testing.js';

let bed: DynamoTestbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.stop();
});

describe('createChangeLogTable', () => {
  it('creates the table once; a second run checks it and leaves it usable', async () => {
    expect(await createChangeLogTable(bed.client, 'store-twice')).toBe(true);
    expect(await createChangeLogTable(bed.client, 'store-twice')).toBe(false);
    const { Table } = await bed.client.send(new DescribeTableCommand({ TableName: 'store-twice' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      [INDEX.appended, INDEX.byActor, INDEX.byEvent, INDEX.timeline].sort(),
    );
    expect(Table?.LocalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([INDEX.entityTime]);
    const log = bed.log('store-twice');
    const [first] = chain('user:usable', [
      { validFrom: at(1), event: { name: 'AdminCreateUser', eventId: 'u' } },
    ]);
    await log.append(first as ChangeRecord);
    expect(await log.head(POOL, 'user:usable')).toStrictEqual(first);
  });

  it('encrypts the table with the customer key when one is configured, else as before', async () => {
    const inputs: { command: string; input: unknown }[] = [];
    // An observer of what reaches the wire's serializer: dynalite stores no encryption settings.
    bed.client.middlewareStack.add(
      (next, context) => async (args) => {
        inputs.push({ command: context.commandName ?? '', input: args.input });
        return next(args);
      },
      { step: 'initialize', name: 'observeCreateTable' },
    );
    try {
      const kmsKeyId = 'arn:aws:kms:us-east-1:111122223333:key/backup';
      expect(await createChangeLogTable(bed.client, 'store-with-key', { kmsKeyId })).toBe(true);
      expect(await createChangeLogTable(bed.client, 'store-without-key')).toBe(true);
      const created = inputs.filter((i) => i.command === 'CreateTableCommand').map((i) => i.input);
      expect(created).toMatchObject([
        {
          TableName: 'store-with-key',
          SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: kmsKeyId },
        },
        { TableName: 'store-without-key', SSESpecification: { Enabled: true } },
      ]);
      expect(created[1]).not.toHaveProperty('SSESpecification.KMSMasterKeyId');
      const log = bed.log('store-with-key');
      const [first] = chain('user:keyed', [{ validFrom: at(1) }]);
      await log.append(first as ChangeRecord);
      expect(await log.head(POOL, 'user:keyed')).toStrictEqual(first);
    } finally {
      bed.client.middlewareStack.remove('observeCreateTable');
    }
  });

  it('refuses a table whose key schema differs, naming the difference', async () => {
    await bed.client.send(
      new CreateTableCommand({
        TableName: 'not-a-log',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const refused = createChangeLogTable(bed.client, 'not-a-log');
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toThrow(/the key is \(id S HASH\), expected \(pk S HASH, sk S RANGE\)/);
    await expect(refused).rejects.toThrow(/index timeline is missing/);
  });

  it('refuses a table with the right key but an index keyed differently', async () => {
    const definition = changeLogTableDefinition('odd-index');
    const [, ...others] = definition.GlobalSecondaryIndexes ?? [];
    const timeline = {
      IndexName: INDEX.timeline,
      KeySchema: [{ AttributeName: 'tlPk', KeyType: 'HASH' as const }],
      Projection: { ProjectionType: 'ALL' as const },
    };
    await bed.client.send(
      new CreateTableCommand({ ...definition, GlobalSecondaryIndexes: [timeline, ...others] }),
    );
    await expect(createChangeLogTable(bed.client, 'odd-index')).rejects.toThrow(
      'the key of index timeline is (tlPk S HASH), expected (tlPk S HASH, tlSk S RANGE)',
    );
  });
});

describe('a table that does not exist', () => {
  const advice =
    /table no-such-table does not exist: create it with `restore-cli store init --table no-such-table --bucket my-bucket`/;

  it('is StoreNotInitializedError from every change log method, naming store init', async () => {
    const log = bed.log('no-such-table', { bucket: 'my-bucket' });
    const [record] = chain('user:x', [
      { validFrom: at(1), event: { name: 'AdminCreateUser', eventId: 'x' } },
    ]);
    const [plain] = chain('user:y', [{ validFrom: at(1) }]);
    const position = await log.position(POOL);
    // Thunks: each call starts only when it is awaited, so no rejection goes unhandled meanwhile.
    const calls: (() => Promise<unknown>)[] = [
      () => log.append(record as ChangeRecord),
      () => log.append(plain as ChangeRecord),
      () => log.head(POOL, 'user:x'),
      () => toArray(log.entityHistory(POOL, 'user:x')),
      () => toArray(log.timeline(POOL)),
      () => toArray(log.timeline(POOL, { after: at(0) })),
      () => toArray(log.appendedSince(POOL, position)),
      () => toArray(log.changesByActor(POOL, 'arn:aws:iam::1:user/a')),
      () => toArray(log.changesByEvent(POOL, 'AdminCreateUser')),
      () => toArray(log.entityHistoryBetween(POOL, 'user:x')),
    ];
    for (const run of calls) {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreNotInitializedError);
      expect(String(error)).toMatch(advice);
    }
  });

  it('is StoreNotInitializedError from the snapshot catalog too', async () => {
    const catalog = new DynamoSnapshotCatalog(bed.doc, { tableName: 'no-such-table', bucket: 'my-bucket' });
    await expect(catalog.newestAtOrBefore(POOL, at(1))).rejects.toThrow(advice);
    await expect(toArray(catalog.list(POOL))).rejects.toBeInstanceOf(StoreNotInitializedError);
    await expect(catalog.record({ poolId: POOL, at: at(1) } as SnapshotManifest)).rejects.toThrow(advice);
  });

  it('names a placeholder bucket when the log was not told it', async () => {
    await expect(bed.log('no-such-table').head(POOL, 'user:x')).rejects.toThrow('--bucket <bucket>');
  });
});
