import type { JsonObject } from '../model/json.js';
import type { ChangeRecord, EntityChange } from './changeRecord.js';
import { type Fields, fromFields, isNestedMember, memberFields, toFields } from './entityFields.js';

/** An entity as a fold leaves it: its document (null: absent) and the fields whose value is unknown. */
export interface FoldedState {
  doc: JsonObject | null;
  /** Fields changed to a value nobody observed, sorted; the doc keeps their last known value. */
  unknown: string[];
}

export const ABSENT: FoldedState = { doc: null, unknown: [] };

/** What a record changes. Records written before `change` existed replace the whole entity. */
export const changeOf = (record: ChangeRecord): EntityChange => record.change ?? { whole: record.after };

/** Valid-time order: by validFrom (canonical times sort as strings), then the order records were learnt. */
export function validOrder(a: ChangeRecord, b: ChangeRecord): number {
  if (a.validFrom !== b.validFrom) return a.validFrom < b.validFrom ? -1 : 1;
  return a.version - b.version;
}

/**
 * `start` with `records` applied in valid-time order (whatever order they come in). A whole entity
 * replaces every field; fields set on an absent entity are dropped (it does not exist to have them);
 * a field set or removed is known again, one marked unknown keeps its last known value in the doc.
 */
export function foldChanges(kind: string, start: FoldedState, records: readonly ChangeRecord[]): FoldedState {
  // A document untouched by field changes is kept as it is: a fold of whole entities (every record
  // written before field changes existed) gives back exactly the documents it was given.
  let doc: JsonObject | null = start.doc;
  let fields: Fields | undefined;
  const unknown = new Set(start.unknown);
  // Field changes that found no entity, kept for the rest of their instant: dates come in whole
  // seconds, and a membership learnt before its user's creation in the same second still applies.
  let waiting: { at: string; changes: EntityChange[] } = { at: '', changes: [] };
  const applyFields = (change: EntityChange) => {
    if (doc === null) return;
    fields ??= toFields(kind, doc);
    const current = fields;
    // A whole nested member (`/attributes`) is replaced at once: every field inside becomes known.
    const clearMember = (path: string) => {
      if (!isNestedMember(kind, path)) return;
      for (const inner of [...current.keys()]) if (inner.startsWith(`${path}/`)) current.delete(inner);
      for (const inner of [...unknown]) if (inner.startsWith(`${path}/`)) unknown.delete(inner);
    };
    for (const [path, value] of Object.entries(change.set ?? {})) {
      unknown.delete(path);
      if (isNestedMember(kind, path)) {
        clearMember(path);
        for (const [inner, innerValue] of memberFields(kind, path, value)) current.set(inner, innerValue);
      } else current.set(path, value);
    }
    for (const path of change.unset ?? []) {
      clearMember(path);
      current.delete(path);
      unknown.delete(path);
    }
    for (const path of change.unknown ?? []) unknown.add(path);
    doc = fromFields(kind, fields);
  };
  for (const record of [...records].sort(validOrder)) {
    const change = changeOf(record);
    if (waiting.at !== record.validFrom) waiting = { at: record.validFrom, changes: [] };
    if (change.whole !== undefined) {
      doc = change.whole;
      fields = undefined;
      unknown.clear();
      if (doc !== null) for (const early of waiting.changes) applyFields(early);
      waiting.changes = [];
    }
    if (!touchesFields(change)) continue;
    if (doc === null) waiting.changes.push(change);
    else applyFields(change);
  }
  return doc === null ? ABSENT : { doc, unknown: [...unknown].sort() };
}

const touchesFields = (change: EntityChange): boolean =>
  Object.keys(change.set ?? {}).length > 0 ||
  (change.unset ?? []).length > 0 ||
  (change.unknown ?? []).length > 0;
