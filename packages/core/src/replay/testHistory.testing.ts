import type { ChangeRecord } from '../changes/changeRecord.js';
import { type EntityHead, makeRecord } from '../changes/makeRecord.js';
import { compareKeys, type EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { EntityEntry } from '../model/poolState.js';

/**
 * Test support for replay and snapshot specs: a pool's "true history", written the way capture
 * writes it (each entity's chain continues from its head, via makeRecord), that can also say what
 * the pool held at any instant. Pure; no test framework imported.
 */
export class TestHistory {
  readonly records: ChangeRecord[] = [];
  private readonly heads = new Map<EntityKey, EntityHead>();

  constructor(
    readonly poolId: string,
    /** Entities as a first full scan found them (version 0, no hash). */
    initial: Record<EntityKey, JsonObject> = {},
  ) {
    for (const [key, doc] of Object.entries(initial)) this.heads.set(key, { version: 0, hash: null, doc });
  }

  /** Records `after` as the entity's state from `validFrom` on; a delete of an absent entity is a no-op. */
  change(entity: EntityKey, after: JsonObject | null, validFrom: string): ChangeRecord | undefined {
    const head = this.heads.get(entity) ?? { version: 0, hash: null, doc: null };
    if (after === null && head.doc === null) return undefined;
    const record = makeRecord({
      poolId: this.poolId,
      entity,
      head,
      after,
      validFrom,
      observedAt: validFrom,
      source: 'cloudtrail',
    });
    this.heads.set(entity, { version: record.version, hash: record.hash, doc: after });
    this.records.push(record);
    return record;
  }

  /** The entities as a snapshot taken now would hold them, in key order. */
  snapshot(): EntityEntry[] {
    return liveEntries(this.heads);
  }
}

function liveEntries(heads: Map<EntityKey, EntityHead>): EntityEntry[] {
  const entries: EntityEntry[] = [];
  for (const [key, head] of heads)
    if (head.doc !== null) entries.push({ key, version: head.version, hash: head.hash, doc: head.doc });
  return entries.sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * What the pool held at `at`, straight from the initial entities and the records (in the order they
 * were made), without snapshots: the truth replay is checked against.
 */
export function truthAt(
  initial: Record<EntityKey, JsonObject>,
  records: readonly ChangeRecord[],
  at: string,
): EntityEntry[] {
  const heads = new Map<EntityKey, EntityHead>();
  for (const [key, doc] of Object.entries(initial)) heads.set(key, { version: 0, hash: null, doc });
  for (const record of records)
    if (Date.parse(record.validFrom) <= Date.parse(at))
      heads.set(record.entity, { version: record.version, hash: record.hash, doc: record.after });
  return liveEntries(heads);
}

/** An entity's history out of `records`, in version order: what `entityHistory` answers. */
export const historyIn = (records: readonly ChangeRecord[]) =>
  async function* (entity: string): AsyncGenerator<ChangeRecord> {
    yield* records.filter((record) => record.entity === entity).sort((a, b) => a.version - b.version);
  };
