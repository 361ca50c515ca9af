/**
 * The change log's one DynamoDB table: its definition and `createChangeLogTable`. Every key is a
 * string; the layout of the items is in `dynamoItems.ts` and the README ("DynamoDB change log — table
 * design").
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { InvalidInputError } from '../../errors.js';

/** Index names, shared by the adapter's queries and the table definition. */
export const INDEX = {
  /** GSI tlPk = pool, tlSk = `<validFrom>#<id>`: the pool-wide timeline. */
  timeline: 'timeline',
  /** GSI apPk = pool, apSk = `<recordedAt>#<id>`: what was appended since a position. */
  appended: 'appended',
  /** GSI acPk = `<pool>#<actorArn>` (sparse), tlSk: what one principal changed. */
  byActor: 'byActor',
  /** GSI evPk = `<pool>#<event name>`, tlSk: every change made by one API call. */
  byEvent: 'byEvent',
  /** LSI pk, tlSk: one entity's history within a time range. */
  entityTime: 'entityTime',
} as const;

/**
 * The attribute DynamoDB's TTL deletes items by (epoch seconds): only the event trail's personal items
 * carry it, when a retention is configured (`dynamoEventTrail.ts`).
 */
export const EXPIRY_ATTRIBUTE = 'expiresAt';

const key = (hash: string, range: string): KeySchemaElement[] => [
  { AttributeName: hash, KeyType: 'HASH' },
  { AttributeName: range, KeyType: 'RANGE' },
];

const KEY_ATTRIBUTES = ['pk', 'sk', 'tlPk', 'tlSk', 'apPk', 'apSk', 'acPk', 'evPk'];

const gsi = (IndexName: string, hash: string, range: string) => ({
  IndexName,
  KeySchema: key(hash, range),
  Projection: { ProjectionType: 'ALL' as const },
});

export interface ChangeLogTableOptions {
  /**
   * The customer managed KMS key (id, ARN or alias) the table is encrypted with, as the bucket's
   * objects are. @default DynamoDB's AWS managed key (`aws/dynamodb`)
   */
  readonly kmsKeyId?: string;
}

/**
 * The GSIs project every attribute, so a pool-wide or audit read is one Query. The LSI projects only
 * keys: DynamoDB counts an item plus each of its LSI entries against one 400 KB limit, so an `ALL`
 * LSI would halve the largest item we can store. Its queries fetch the rest from the table instead.
 */
export function changeLogTableDefinition(
  tableName: string,
  options: ChangeLogTableOptions = {},
): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification:
      options.kmsKeyId === undefined
        ? { Enabled: true }
        : { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: options.kmsKeyId },
    AttributeDefinitions: KEY_ATTRIBUTES.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: key('pk', 'sk'),
    LocalSecondaryIndexes: [
      {
        IndexName: INDEX.entityTime,
        KeySchema: key('pk', 'tlSk'),
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    GlobalSecondaryIndexes: [
      gsi(INDEX.timeline, 'tlPk', 'tlSk'),
      gsi(INDEX.appended, 'apPk', 'apSk'),
      gsi(INDEX.byActor, 'acPk', 'tlSk'),
      gsi(INDEX.byEvent, 'evPk', 'tlSk'),
    ],
  };
}

const isNamed = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

/**
 * Creates the change log table (on-demand, encrypted at rest: with the customer key when one is
 * given), waits until it is ACTIVE and turns on its TTL on `expiresAt`. Safe to run again: when the
 * table exists it only checks that its keys and our indexes are as defined, and refuses one that
 * differs; its encryption is left as it is. Indexes the table has beyond ours are left alone.
 * Resolves whether it created the table.
 */
export async function createChangeLogTable(
  client: DynamoDBClient,
  tableName: string,
  options: ChangeLogTableOptions = {},
): Promise<boolean> {
  const definition = changeLogTableDefinition(tableName, options);
  let created = true;
  try {
    await client.send(new CreateTableCommand(definition));
  } catch (error) {
    if (!isNamed(error, 'ResourceInUseException')) throw error;
    created = false;
  }
  // A table made by someone else may still be CREATING; ours certainly is on real DynamoDB.
  await waitUntilTableExists(
    { client, maxWaitTime: 600, minDelay: 1, maxDelay: 10 },
    { TableName: tableName },
  );
  if (!created) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const differences = tableDifferences(definition, Table ?? {});
    if (differences.length > 0)
      throw new InvalidInputError(
        `table ${tableName} exists but is not a change log table: ${differences.join('; ')}`,
      );
  }
  await enableExpiry(client, tableName);
  return created;
}

/**
 * Turns on DynamoDB's TTL on `expiresAt`, so the trail's personal data goes by itself once its retention
 * is over. A table expiring items by another attribute is refused: its personal data would never go.
 */
async function enableExpiry(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') {
    if (ttl.AttributeName === EXPIRY_ATTRIBUTE) return;
    throw new InvalidInputError(
      `table ${tableName} expires items by ${ttl.AttributeName}, not ${EXPIRY_ATTRIBUTE}: the event trail's personal data would never expire`,
    );
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: EXPIRY_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite has no TTL at all; `forgetPersonalData` does the same deletions explicitly.
    if (!isNamed(error, 'UnknownOperationException')) throw error;
  }
}

/** `pk S HASH, sk S RANGE`: a key schema with its attribute types, as people compare them. */
function describeKey(schema: readonly KeySchemaElement[] | undefined, types: Map<string, string>): string {
  return (schema ?? [])
    .map((k) => `${k.AttributeName} ${types.get(k.AttributeName ?? '') ?? '?'} ${k.KeyType}`)
    .join(', ');
}

/** What about an existing table differs from the definition, one phrase per difference. */
export function tableDifferences(expected: CreateTableCommandInput, actual: TableDescription): string[] {
  const typesOf = (definitions: typeof expected.AttributeDefinitions) =>
    new Map((definitions ?? []).map((d) => [d.AttributeName ?? '', d.AttributeType ?? '']));
  const want = typesOf(expected.AttributeDefinitions);
  const have = typesOf(actual.AttributeDefinitions);
  const differences: string[] = [];
  const compare = (
    what: string,
    wanted: KeySchemaElement[] | undefined,
    had: KeySchemaElement[] | undefined,
  ) => {
    const a = describeKey(wanted, want);
    const b = describeKey(had, have);
    if (a !== b) differences.push(`${what} is (${b || 'none'}), expected (${a})`);
  };
  compare('the key', expected.KeySchema, actual.KeySchema);
  const actualIndexes = new Map(
    [...(actual.GlobalSecondaryIndexes ?? []), ...(actual.LocalSecondaryIndexes ?? [])].map((i) => [
      i.IndexName ?? '',
      i.KeySchema,
    ]),
  );
  for (const index of [
    ...(expected.LocalSecondaryIndexes ?? []),
    ...(expected.GlobalSecondaryIndexes ?? []),
  ]) {
    const name = index.IndexName ?? '';
    if (!actualIndexes.has(name)) differences.push(`index ${name} is missing`);
    else compare(`the key of index ${name}`, index.KeySchema, actualIndexes.get(name));
  }
  return differences;
}
