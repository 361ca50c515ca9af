import type { ChangeRecord } from '../changes/changeRecord.js';
import { recordHash } from '../changes/hash.js';
import { ChainBrokenError, InvalidInputError } from '../errors.js';
import { compareKeys, type EntityKey } from '../model/entityKey.js';
import type { EntityEntry } from '../model/poolState.js';

export interface ReplayOptions {
  /** Called for each record as it is folded into the state (compaction tracks the newest id). */
  onApply?: (record: ChangeRecord) => void;
}

export function parseInstant(at: string): number {
  const time = Date.parse(at);
  if (Number.isNaN(time)) throw new InvalidInputError(`${JSON.stringify(at)} is not an ISO-8601 time`);
  return time;
}

/**
 * Records grouped per entity, each group in version order (then id, should a version repeat). A record
 * read twice (a timeline and a late-arrivals read overlap) counts once.
 */
function groupByEntity(records: Iterable<ChangeRecord>): Map<EntityKey, ChangeRecord[]> {
  const groups = new Map<EntityKey, ChangeRecord[]>();
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    const group = groups.get(record.entity);
    if (group === undefined) groups.set(record.entity, [record]);
    else group.push(record);
  }
  for (const group of groups.values())
    group.sort((a, b) => a.version - b.version || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return groups;
}

/**
 * The records an entity replays past its snapshot entry must continue its chain: versions one apart,
 * each `prevHash` the hash before it, each hash its body's. An entity the snapshot does not hold (never
 * seen, or deleted by then) has no known start, so its first record read starts the check. A break is
 * an error naming the record: replaying around it would produce a state that never existed.
 */
function checkChain(key: EntityKey, start: EntityEntry | undefined, records: readonly ChangeRecord[]): void {
  const floor = start?.version ?? 0;
  let previous: { version: number; hash: string | null } | undefined = start;
  for (const record of records) {
    if (record.version <= floor) continue;
    const broken = (problem: string) =>
      new ChainBrokenError(record.poolId, key, record.id, record.version, problem);
    if (recordHash(record) !== record.hash) throw broken('its hash does not match its body');
    if (previous !== undefined) {
      if (record.version !== previous.version + 1)
        throw broken(`it follows version ${previous.version}: a record is missing or repeated`);
      if (record.prevHash !== previous.hash)
        throw broken('its prevHash is not the hash of the record before it');
    }
    previous = record;
  }
}

/**
 * One entity at `until`: the snapshot entry (or nothing, if the snapshot does not hold it) plus every
 * record newer than the entry's version that was valid by then. Each record's after-image replaces
 * the doc, so a record whose validFrom lies after `until` is skipped even if a later version is not
 * (validFrom is monotone per entity by construction; this just keeps replay total if it is not).
 */
function fold(
  key: EntityKey,
  start: EntityEntry | undefined,
  records: readonly ChangeRecord[],
  until: number,
  options: ReplayOptions,
): EntityEntry | undefined {
  checkChain(key, start, records);
  const floor = start?.version ?? 0;
  let state: EntityEntry | undefined = start;
  for (const record of records) {
    if (record.version <= floor || Date.parse(record.validFrom) > until) continue;
    options.onApply?.(record);
    state =
      record.after === null
        ? undefined
        : { key, version: record.version, hash: record.hash, doc: record.after };
  }
  return state;
}

/**
 * The state at `at`: a streaming merge-join of the key-ordered snapshot with the change records
 * grouped by entity. Records are held in memory; the snapshot is read one entry at a time, and the
 * output comes out in key order, ready to encode as the next snapshot.
 */
export async function* replayEntities(
  base: AsyncIterable<EntityEntry> | Iterable<EntityEntry>,
  records: Iterable<ChangeRecord>,
  at: string,
  options: ReplayOptions = {},
): AsyncGenerator<EntityEntry> {
  const until = parseInstant(at);
  const groups = groupByEntity(records);
  const keys = [...groups.keys()].sort(compareKeys);
  let next = 0;
  let previous: EntityKey | undefined;

  // Entities only the records know about come out in their place in the key order.
  function* recordOnlyBefore(limit: EntityKey | undefined): Generator<EntityEntry> {
    for (let key = keys[next]; key !== undefined; key = keys[next]) {
      if (limit !== undefined && compareKeys(key, limit) >= 0) return;
      next += 1;
      const state = fold(key, undefined, groups.get(key) ?? [], until, options);
      if (state !== undefined) yield state;
    }
  }

  for await (const entry of base) {
    if (previous !== undefined && compareKeys(previous, entry.key) >= 0)
      throw new InvalidInputError(
        `replay needs the snapshot in key order: ${entry.key} came after ${previous}`,
      );
    previous = entry.key;
    yield* recordOnlyBefore(entry.key);
    let own: readonly ChangeRecord[] = [];
    if (keys[next] === entry.key) {
      own = groups.get(entry.key) ?? [];
      next += 1;
    }
    const state = fold(entry.key, entry, own, until, options);
    if (state !== undefined) yield state;
  }
  yield* recordOnlyBefore(undefined);
}
