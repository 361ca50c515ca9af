import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { type Dynalite, startDynalite } from '@cognito-rewind/emulators';
import type { ChangeEvent, ChangeRecord, ChangeSource } from '../../changes/changeRecord.js';
import { makeRecord } from '../../changes/makeRecord.js';
import type { JsonObject } from '../../model/json.js';
import { MemoryBlobStore } from '../memory/memoryBlobStore.js';
import { DynamoChangeLog, type DynamoChangeLogOptions } from './dynamoChangeLog.js';
import { createDynamoClients, type DynamoClients } from './dynamoClient.js';
import { createChangeLogTable } from './dynamoTable.js';

/** One dynalite for a test file, real SDK clients on it, and fresh change log tables on demand. */
export interface DynamoTestbed extends DynamoClients {
  readonly server: Dynalite;
  /** Creates a change log table with a new name and returns the name. */
  newTable(): Promise<string>;
  dropTable(tableName: string): Promise<void>;
  /** A log on `tableName` with its own blob store unless one is given. */
  log(tableName: string, options?: Partial<DynamoChangeLogOptions>): DynamoChangeLog;
  stop(): Promise<void>;
}

let tables = 0;

export async function startTestbed(): Promise<DynamoTestbed> {
  const server = await startDynalite();
  const clients = createDynamoClients({ endpoint: server.endpoint });
  const { client, doc } = clients;
  return {
    ...clients,
    server,
    async newTable() {
      tables += 1;
      const name = `changes-${tables}`;
      await createChangeLogTable(client, name);
      return name;
    },
    async dropTable(tableName) {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
    log: (tableName, options = {}) =>
      new DynamoChangeLog(doc, { tableName, blobs: options.blobs ?? new MemoryBlobStore(), ...options }),
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

export const POOL = 'us-east-1_Dynamo1';

/** Seconds after 2024-01-01T00:00:00Z, canonical. */
export const at = (seconds: number): string => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds)).toISOString();

export interface Change {
  validFrom: string;
  after?: JsonObject | null;
  event?: ChangeEvent;
  source?: ChangeSource;
  poolId?: string;
}

/** The next record of an entity after `previous` (or its first). */
export function nextRecord(entity: string, previous: ChangeRecord | undefined, change: Change): ChangeRecord {
  return makeRecord({
    poolId: change.poolId ?? previous?.poolId ?? POOL,
    entity,
    head: previous
      ? { version: previous.version, hash: previous.hash, doc: previous.after }
      : { version: 0, hash: null, doc: null },
    after: change.after === undefined ? { at: change.validFrom } : change.after,
    validFrom: change.validFrom,
    observedAt: change.validFrom,
    source: change.source ?? 'cloudtrail',
    ...(change.event ? { event: change.event } : {}),
  });
}

/** A chain of records of one entity, one per change, in version order. */
export function chain(entity: string, changes: readonly Change[]): ChangeRecord[] {
  const records: ChangeRecord[] = [];
  for (const change of changes) records.push(nextRecord(entity, records.at(-1), change));
  return records;
}
