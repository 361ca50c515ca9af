import { unescapePathComponent } from 'fast-json-patch';
import type { ChangeRecord, EntityChange } from '../changes/changeRecord.js';
import { type Field, fieldParts, toFields } from '../changes/entityFields.js';
import { parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject, type JsonValue } from '../model/json.js';
import { assertedFields } from './assertedFields.js';

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

/** The words for one field the record asserts, against its value just before. */
function assertedWord(field: Field, before: JsonValue | undefined, after: JsonValue | undefined): string[] {
  const [member = '', key] = fieldParts(field);
  if (key === undefined) return fieldWords(member, before, after);
  if (member === 'groups') return [after === undefined ? `-${key}` : `+${key}`];
  return [fromTo(member === 'attributes' ? key : `${member}.${key}`, before, after)];
}

/** Words from what the record itself changed (its `change`), against the entity just before it. */
function wordsOfChange(record: ChangeRecord, change: EntityChange, before: JsonObject): string[] {
  const { kind } = parseEntityKey(record.entity);
  const had = toFields(kind, before);
  if (change.whole !== undefined && change.whole !== null) {
    const whole = toFields(kind, change.whole);
    const removed = [...had.keys()].filter((field) => !whole.has(field));
    return [...whole, ...removed.map((field) => [field, undefined] as const)]
      .filter(([field, value]) => !deepEqual(had.get(field), value))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([field, value]) => assertedWord(field, had.get(field), value));
  }
  return [...assertedFields(kind, change, had)]
    .filter(([field, value]) => !deepEqual(had.get(field), value))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([field, value]) => assertedWord(field, had.get(field), value));
}

/** Words from the after-images (records made before `change` existed). */
function wordsOfImages(record: ChangeRecord, before: JsonObject, after: JsonObject): string[] {
  const words: string[] = [];
  for (const field of touchedFields(record)) {
    if (deepEqual(before[field], after[field])) continue;
    words.push(...fieldWords(field, before[field], after[field]));
  }
  return words;
}

/**
 * The words for one record, given the entity just before it (the previous record's after-image;
 * `undefined`: no earlier record). Fields the record marks unknown (changed to a value nobody
 * observed) say so instead of guessing.
 */
export function changeWords(record: ChangeRecord, before: JsonObject | null | undefined): string[] {
  const { change } = record;
  const whole = change === undefined ? record.after : change.whole;
  if (whole === null) return before === null ? [] : ['deleted'];
  if (before === null || before === undefined) return ['created'];
  const words =
    change === undefined
      ? wordsOfImages(record, before, record.after ?? {})
      : wordsOfChange(record, change, before);
  for (const path of change?.unknown ?? []) {
    const [member = '', key] = fieldParts(path);
    words.push(
      `${key === undefined || member !== 'attributes' ? fieldParts(path).join('.') : key}: ? (not observed)`,
    );
  }
  const meaningful = words.filter((word) => ![...BOOKKEEPING].some((field) => word.startsWith(`${field}:`)));
  return meaningful.length > 0 ? meaningful : words;
}
