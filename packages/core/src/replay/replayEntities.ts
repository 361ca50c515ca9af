import { parseInstant } from '../changes/canonicalTime.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { ABSENT, foldChanges } from '../changes/foldEntity.js';
import { recordHash } from '../changes/hash.js';
import { ChainBrokenError, InvalidInputError } from '../errors.js';
import { compareKeys, type EntityKey, parseEntityKey } from '../model/entityKey.js';
import type { EntityEntry } from '../model/poolState.js';

export interface ReplayOptions {
  /** Called for each record as it is folded into the state (compaction tracks the newest id). */
  onApply?: (record: ChangeRecord) => void;
  /**
   * When the base was taken (a snapshot's `at`). A record valid by then that the base had not folded
   * in arrived late for it: the entity is replayed from its whole history instead.
   */
  baseAt?: string;
  /** One entity's records in version order (the change log's strongly consistent `entityHistory`). */
  history?: (entity: EntityKey) => AsyncIterable<ChangeRecord>;
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
 * The records an entity replays past its snapshot entry continue its chain: versions one apart, each
 * `prevHash` the hash before it, each hash its body's. An entity the snapshot does not hold (never
 * seen, or deleted by then) has no known start, so its first record read starts the check. A break is
 * an error naming the record: replaying around it would produce a state that never existed.
 */
function checkChain(
  key: EntityKey,
  start: { version: number; hash: string | null } | undefined,
  records: readonly ChangeRecord[],
): void {
  let previous = start;
  for (const record of records) {
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

const versionsRun = (floor: number, records: readonly ChangeRecord[]): boolean =>
  records.every((record, index) => record.version === floor + index + 1);

/**
 * One entity at `until`. The base entry holds every record up to its version that was valid by the
 * base's time; what it has not folded in — newer versions, and older ones valid after the base — is
 * applied in valid-time order (`foldChanges`), so a record learnt late lands at its own time.
 *
 * When what was read is not a plain continuation — a record valid before the base's time that the
 * base lacks (late for it), or versions with a gap (records valid after `until`, unread) — the
 * entity is folded from its whole history instead: exact, chain-checked from version 1, and paid
 * only for the entities that had late records.
 */
async function fold(
  key: EntityKey,
  start: EntityEntry | undefined,
  records: readonly ChangeRecord[],
  until: number,
  options: ReplayOptions,
): Promise<EntityEntry | undefined> {
  const floor = start?.version ?? 0;
  const baseAt = options.baseAt === undefined ? undefined : Date.parse(options.baseAt);
  const folded = (record: ChangeRecord) =>
    record.version <= floor && (baseAt === undefined || Date.parse(record.validFrom) <= baseAt);
  const pending = records.filter((record) => !folded(record));
  const newer = pending.filter((record) => record.version > floor);
  const late = baseAt !== undefined && newer.some((record) => Date.parse(record.validFrom) <= baseAt);
  if (late || !versionsRun(floor, newer)) return foldHistory(key, start, records, until, options);
  checkChain(key, start, newer);
  for (const record of pending) {
    if (record.version <= floor && recordHash(record) !== record.hash)
      throw new ChainBrokenError(
        record.poolId,
        key,
        record.id,
        record.version,
        'its hash does not match its body',
      );
  }
  const due = pending.filter((record) => Date.parse(record.validFrom) <= until);
  return entryOf(key, start, due, options);
}

/** The entry `start` becomes with `due` applied; its version is the newest folded in. */
function entryOf(
  key: EntityKey,
  start: EntityEntry | undefined,
  due: readonly ChangeRecord[],
  options: ReplayOptions,
): EntityEntry | undefined {
  const state = foldChanges(
    parseEntityKey(key).kind,
    start === undefined ? ABSENT : { doc: start.doc, unknown: start.unknown ?? [] },
    due,
  );
  let newest: { version: number; hash: string | null } | undefined = start;
  for (const record of due) {
    options.onApply?.(record);
    if (newest === undefined || record.version > newest.version) newest = record;
  }
  if (state.doc === null || newest === undefined) return undefined;
  return {
    key,
    version: newest.version,
    hash: newest.hash,
    doc: state.doc,
    ...(state.unknown.length > 0 ? { unknown: state.unknown } : {}),
  };
}

/**
 * The entity folded from its whole history. A base entry of version 0 (an old full read's entity
 * with no record of its own) is where such a chain starts.
 */
async function foldHistory(
  key: EntityKey,
  start: EntityEntry | undefined,
  read: readonly ChangeRecord[],
  until: number,
  options: ReplayOptions,
): Promise<EntityEntry | undefined> {
  const poolId = read[0]?.poolId ?? '';
  if (options.history === undefined)
    throw new InvalidInputError(
      `replaying ${key} needs its whole history (records arrived late or out of order), and none was given`,
    );
  const history: ChangeRecord[] = [];
  for await (const record of options.history(key)) history.push(record);
  const origin = start?.version === 0 ? start : undefined;
  if (history[0] !== undefined && origin === undefined && history[0].version !== 1)
    throw new ChainBrokenError(
      poolId,
      key,
      history[0].id,
      history[0].version,
      'the history does not start at version 1',
    );
  checkChain(key, origin ?? (history[0] === undefined ? undefined : { version: 0, hash: null }), history);
  const due = history.filter((record) => Date.parse(record.validFrom) <= until);
  return entryOf(key, origin, due, options);
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
  async function* recordOnlyBefore(limit: EntityKey | undefined): AsyncGenerator<EntityEntry> {
    for (let key = keys[next]; key !== undefined; key = keys[next]) {
      if (limit !== undefined && compareKeys(key, limit) >= 0) return;
      next += 1;
      const state = await fold(key, undefined, groups.get(key) ?? [], until, options);
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
    const state = await fold(entry.key, entry, own, until, options);
    if (state !== undefined) yield state;
  }
  yield* recordOnlyBefore(undefined);
}
