import type { ChangeRecord } from '../changes/changeRecord.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog } from '../ports.js';
import { recordCaller } from './auditRow.js';
import { changeWords } from './changeWords.js';

/** One step of an entity's life: a change record in words, with the entity after it. */
export interface LifeStep {
  id: string;
  version: number;
  /** When the change became true (`validFrom`). */
  time: string;
  source: ChangeRecord['source'];
  event?: string;
  caller?: string;
  words: string[];
  /** The entity after the change (the record's after-image); null: deleted. */
  after: JsonObject | null;
  record: ChangeRecord;
}

/**
 * `audit history`: every record of one entity in the order the log learnt them (its versions: the
 * audit order, see `ChangeRecord`), each with the state after it. Streamed: one Query of the
 * entity's partition, a record at a time.
 */
export async function* entityLife(
  changeLog: ChangeLog,
  poolId: string,
  entity: EntityKey,
): AsyncGenerator<LifeStep> {
  let before: JsonObject | null | undefined;
  for await (const record of changeLog.entityHistory(poolId, entity)) {
    const caller = recordCaller(record);
    yield {
      id: record.id,
      version: record.version,
      time: record.validFrom,
      source: record.source,
      ...(record.event === undefined ? {} : { event: record.event.name }),
      ...(caller === undefined ? {} : { caller }),
      words: changeWords(record, before),
      after: record.after,
      record,
    };
    before = record.after;
  }
}
