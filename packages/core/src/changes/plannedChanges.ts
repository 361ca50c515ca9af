import { parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import type { ChangeCause, ChangeEvent, ChangeRecord, ChangeSource, EntityChange } from './changeRecord.js';
import { asCreated, createdAtOf, isDatedField, isImmutableField, modifiedAtOf } from './entityDates.js';
import { type Field, field, fromFields, toFields } from './entityFields.js';
import { ABSENT, type FoldedState, foldChanges } from './foldEntity.js';
import { makeRecord } from './makeRecord.js';
import { resolveValidFrom } from './validFrom.js';

/** A change to record, at the time it became true; `caused`: the record names the event that caused it. */
export interface PlannedChange {
  validFrom: string;
  change: EntityChange;
  caused: boolean;
}

/**
 * When a Cognito date says a change became true: its own time, or for a whole-second date the end of
 * that second (never a later state at an earlier time), and never after it was observed.
 */
export const dateOf = (time: string, observedAt: string): string =>
  resolveValidFrom({ observedAt, entityModifiedAt: time });

export const isEmptyChange = (change: EntityChange): boolean =>
  change.whole === undefined &&
  Object.keys(change.set ?? {}).length === 0 &&
  (change.unset ?? []).length === 0 &&
  (change.unknown ?? []).length === 0;

/** The fields `keep` selects that `after` holds otherwise than `before`: set to after's value, or unset. */
export function fieldDiff(
  kind: string,
  before: JsonObject | null,
  after: JsonObject,
  keep: (path: Field) => boolean,
): { set: JsonObject; unset: Field[] } {
  const was = before === null ? new Map() : toFields(kind, before);
  const now = toFields(kind, after);
  const set: JsonObject = {};
  const unset: Field[] = [];
  for (const [path, value] of now) if (keep(path) && !deepEqual(was.get(path), value)) set[path] = value;
  for (const path of was.keys()) if (keep(path) && !now.has(path)) unset.push(path);
  return { set, unset: unset.sort() };
}

/** The change as one record holds it, without empty parts. */
export function compactChange(change: EntityChange): EntityChange {
  const compact: EntityChange = {};
  if (change.whole !== undefined) compact.whole = change.whole;
  if (change.set !== undefined && Object.keys(change.set).length > 0) compact.set = change.set;
  if (change.unset !== undefined && change.unset.length > 0) compact.unset = [...change.unset].sort();
  if (change.unknown !== undefined && change.unknown.length > 0)
    compact.unknown = [...new Set(change.unknown)].sort();
  return compact;
}

/**
 * What a read of an entity we had no record of (in this incarnation) says about its creation: it
 * exists from Cognito's creation date (`fallback` for entities Cognito does not date), as the read
 * shows it but with its undated members as a new entity has them. When the read is dated later than
 * the creation, the dated fields at creation are not known — only that they were changed by the
 * time of that date — so they are marked unknown at the creation, and `later` holds the change that
 * the read's own date vouches for (a full read records it; capture leaves it to that change's event).
 */
export function creationChanges(
  kind: string,
  image: JsonObject,
  observedAt: string,
  fallback: string,
): { creation: PlannedChange; later?: PlannedChange } {
  const created = createdAtOf(image);
  const modified = modifiedAtOf(image);
  const createdFrom = created === undefined ? fallback : dateOf(created, observedAt);
  const base = asCreated(kind, image);
  if (created === undefined || modified === undefined || dateOf(modified, observedAt) <= createdFrom)
    return { creation: { validFrom: createdFrom, change: { whole: base }, caused: true } };
  // The doc as created: its modification date is its creation date; the other dated members are
  // unknown, a nested one (a user's attributes) as a whole — names it no longer has included.
  if ('modifiedAt' in base) base.modifiedAt = created;
  if ('LastModifiedDate' in base) base.LastModifiedDate = created;
  const unknown: Field[] = [];
  const known: JsonObject = {};
  const createdFields = toFields(kind, base);
  for (const [member, value] of Object.entries(image)) {
    const path = field(member);
    if (
      !isDatedField(kind, path) ||
      isImmutableField(path) ||
      member === 'modifiedAt' ||
      member === 'LastModifiedDate'
    )
      continue;
    unknown.push(path);
    known[path] = value;
    for (const inner of [...createdFields.keys()])
      if ((inner === path || inner.startsWith(`${path}/`)) && !isImmutableField(inner))
        createdFields.delete(inner);
  }
  for (const path of ['/modifiedAt', '/LastModifiedDate'])
    if (path.slice(1) in image) known[path] = image[path.slice(1)] ?? null;
  return {
    creation: {
      validFrom: createdFrom,
      change: compactChange({ whole: fromFields(kind, createdFields), unknown }),
      caused: true,
    },
    later: { validFrom: dateOf(modified, observedAt), change: compactChange({ set: known }), caused: false },
  };
}

/** Where one entity's chain stands, and what it holds: the records so far in version order, or its head. */
export interface ChainState {
  history?: readonly ChangeRecord[];
  head: ChangeRecord | undefined;
}

export interface RecordMeta {
  poolId: string;
  entity: string;
  observedAt: string;
  source: ChangeSource;
  event?: ChangeEvent;
  cause?: ChangeCause;
}

/**
 * The records that append `planned` to the chain, in that order. Each record's `after` is the entity
 * as the chain then knows it — every record folded in valid-time order — so a change in the past
 * moves `after` only where nothing later in valid time overrides it. With the whole history at hand
 * that is exact; with only the head it assumes nothing in the chain is valid after the new record.
 */
export function chainRecords(
  chain: ChainState,
  planned: readonly PlannedChange[],
  meta: RecordMeta,
): ChangeRecord[] {
  const kind = parseEntityKey(meta.entity).kind;
  const records: ChangeRecord[] = [];
  let head = chain.head;
  const history = chain.history === undefined ? undefined : [...chain.history];
  for (const step of planned) {
    const shell = {
      validFrom: step.validFrom,
      change: step.change,
      version: (head?.version ?? 0) + 1,
    } as ChangeRecord;
    const state: FoldedState =
      history === undefined
        ? foldChanges(kind, head?.after == null ? ABSENT : { doc: head.after, unknown: [] }, [shell])
        : foldChanges(kind, ABSENT, [...history, shell]);
    const record = makeRecord({
      poolId: meta.poolId,
      entity: meta.entity,
      head:
        head === undefined
          ? { version: 0, hash: null, doc: null }
          : { version: head.version, hash: head.hash, doc: head.after },
      after: state.doc,
      validFrom: step.validFrom,
      observedAt: meta.observedAt,
      source: meta.source,
      change: step.change,
      ...(step.caused && meta.event !== undefined ? { event: meta.event } : {}),
      ...(meta.cause === undefined ? {} : { cause: meta.cause }),
    });
    records.push(record);
    history?.push(record);
    head = record;
  }
  return records;
}
