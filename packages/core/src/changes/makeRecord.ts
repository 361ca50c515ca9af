import fastJsonPatch from 'fast-json-patch';
import { monotonicFactory } from 'ulid';
import type { JsonObject } from '../model/json.js';
import type { ChangeRecord, EntityChange } from './changeRecord.js';
import { recordHash } from './hash.js';

/** Where the entity stands before this change: its version and the hash of its last record. */
export interface EntityHead {
  version: number;
  hash: string | null;
  doc: JsonObject | null;
}

/** A record to make: its fields as the record will carry them, and the head it continues from. */
export interface NewChange
  extends Pick<
    ChangeRecord,
    'poolId' | 'entity' | 'after' | 'validFrom' | 'observedAt' | 'source' | 'event' | 'cause'
  > {
  head: EntityHead;
  /** What the record changes at validFrom; without it, the whole entity becomes `after`. */
  change?: EntityChange;
}

let lastTime = Number.NaN;
let nextUlid = monotonicFactory();

/**
 * A ULID of `at`, so ids sort like the times they are minted for: increasing within one millisecond
 * (a monotonic factory), and for an earlier time an earlier id — a plain monotonic factory would
 * stamp it with the later time it saw before.
 */
export function changeId(at: Date): string {
  const time = at.getTime();
  if (time !== lastTime) {
    nextUlid = monotonicFactory();
    lastTime = time;
  }
  return nextUlid(time);
}

/** RFC 6902 ops turning `before` into `after` (a missing entity diffs as `{}`). */
export const diffEntity = (before: JsonObject | null, after: JsonObject | null) =>
  fastJsonPatch.compare(before ?? {}, after ?? {});

export function makeRecord(change: NewChange): ChangeRecord {
  const body: Omit<ChangeRecord, 'hash'> = {
    id: changeId(new Date(change.observedAt)),
    poolId: change.poolId,
    entity: change.entity,
    version: change.head.version + 1,
    validFrom: change.validFrom,
    observedAt: change.observedAt,
    source: change.source,
    ...(change.event ? { event: change.event } : {}),
    ...(change.cause ? { cause: change.cause } : {}),
    ...(change.change ? { change: change.change } : {}),
    patch: diffEntity(change.head.doc, change.after),
    after: change.after,
    prevHash: change.head.hash,
  };
  return { ...body, hash: recordHash(body) };
}
