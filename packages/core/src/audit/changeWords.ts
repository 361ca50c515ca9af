import { unescapePathComponent } from 'fast-json-patch';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { deepEqual, type JsonObject, type JsonValue } from '../model/json.js';

/**
 * A change in words, as an auditor reads it: `created`, `deleted`, `disabled`, `enabled`, `+admins`
 * (joined a group), `-admins`, `email: a@x → b@x`. Derived from the record's patch (which fields it
 * touched) and the entity before and after it (the previous record's after-image and this one's):
 * an RFC 6902 `replace` holds only the new value, and the words show both.
 */

const NONE = '(none)';
const MAX_VALUE = 60;
/** Fields every change moves: noise beside any other word. */
const BOOKKEEPING = new Set(['modifiedAt', 'LastModifiedDate']);

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function shown(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return NONE;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const fromTo = (name: string, before: JsonValue | undefined, after: JsonValue | undefined) =>
  `${name}: ${shown(before)} → ${shown(after)}`;

function listWords(name: string, before: JsonValue[], after: JsonValue[]): string[] {
  const key = (value: JsonValue) => JSON.stringify(value);
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  const prefix = name === 'groups' ? '' : `${name} `;
  return [
    ...after.filter((value) => !had.has(key(value))).map((value) => `${prefix}+${shown(value)}`),
    ...before.filter((value) => !has.has(key(value))).map((value) => `${prefix}-${shown(value)}`),
  ];
}

/** The words for one top-level field that differs. Nested objects (`attributes`) go one level down. */
function fieldWords(name: string, before: JsonValue | undefined, after: JsonValue | undefined): string[] {
  if (name === 'enabled' && typeof after === 'boolean') return [after ? 'enabled' : 'disabled'];
  if (Array.isArray(before ?? []) && Array.isArray(after ?? []) && (before ?? after) !== undefined)
    return listWords(name, (before ?? []) as JsonValue[], (after ?? []) as JsonValue[]);
  if (isObject(before) && isObject(after)) {
    // `attributes.email` reads as `email`: attributes are what a user's fields are to an auditor.
    const prefix = name === 'attributes' ? '' : `${name}.`;
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys
      .filter((key) => !deepEqual(before[key], after[key]))
      .map((key) => fromTo(`${prefix}${key}`, before[key], after[key]));
  }
  return [fromTo(name, before, after)];
}

/** The top-level fields a patch touches, by name (patch order is the differ's, not a reader's). */
function touchedFields(record: ChangeRecord): string[] {
  const fields: string[] = [];
  for (const op of record.patch) {
    const first = op.path.split('/')[1];
    if (first === undefined || first === '') continue;
    const field = unescapePathComponent(first);
    if (!fields.includes(field)) fields.push(field);
  }
  return fields.sort();
}

/**
 * The words for one record, given the entity just before it (`undefined`: no earlier record). Fields
 * the record marks unknown (changed to a value nobody observed) say so instead of guessing.
 */
export function changeWords(record: ChangeRecord, before: JsonObject | null | undefined): string[] {
  const after = record.after;
  if (after === null) return before === null ? [] : ['deleted'];
  if (before === null || before === undefined) return ['created'];
  const unknown = record.change?.unknown ?? [];
  const words: string[] = [];
  for (const field of touchedFields(record)) {
    if (deepEqual(before[field], after[field])) continue;
    words.push(...fieldWords(field, before[field], after[field]).filter((word) => word !== ''));
  }
  for (const path of unknown) words.push(`${path.slice(1).replace(/^attributes\//, '')}: ? (not observed)`);
  const meaningful = words.filter((word) => ![...BOOKKEEPING].some((field) => word.startsWith(`${field}:`)));
  return meaningful.length > 0 ? meaningful : words;
}
