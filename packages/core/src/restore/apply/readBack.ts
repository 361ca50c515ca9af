import { canonicalStringify, deepEqual, type JsonObject, type JsonValue } from '../../model/json.js';
import type { EntityTask, RestoreAction } from '../plan/restorePlan.js';

/** One field a task meant to change that the entity, read back, does not show changed. */
export interface Miss {
  /** Dotted path in the writable view; `(entity)` for the entity's existence. */
  field: string;
  before: JsonValue | undefined;
  wanted: JsonValue | undefined;
  after: JsonValue | undefined;
}

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a task meant to change and the read-back does not show: every field where `desired` differs
 * from `expected`, compared with `now` (all writable views). Fields the task did not mean to change
 * are never looked at, so values Cognito adds or normalises on its own (defaults, server-set fields
 * outside the view) are no failure. `ignore`: top-level fields the read cannot see (users' MFA on an
 * endpoint that does not report it).
 */
export function readBackMisses(
  expected: JsonObject | null,
  desired: JsonObject | null,
  now: JsonObject | null,
  ignore: readonly string[] = [],
): Miss[] {
  if (desired === null || now === null) {
    if ((desired === null) === (now === null)) return [];
    const exists = (doc: JsonObject | null) => (doc === null ? 'absent' : 'present');
    return [{ field: '(entity)', before: exists(expected), wanted: exists(desired), after: exists(now) }];
  }
  const fields = new Set([...Object.keys(expected ?? {}), ...Object.keys(desired)]);
  return [...fields]
    .filter((field) => !ignore.includes(field))
    .sort()
    .flatMap((field) => misses(field, expected?.[field], desired[field], now[field]));
}

function misses(
  path: string,
  before: JsonValue | undefined,
  wanted: JsonValue | undefined,
  after: JsonValue | undefined,
): Miss[] {
  if (deepEqual(before, wanted) || deepEqual(wanted, after)) return [];
  // Within an object only the keys meant to change count (one attribute of a user, one tag).
  if (isObject(wanted) && isObject(after) && (before === undefined || isObject(before))) {
    const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(wanted)]);
    return [...keys]
      .sort()
      .flatMap((key) => misses(`${path}.${key}`, before?.[key], wanted[key], after[key]));
  }
  return [{ field: path, before, wanted, after }];
}

const shown = (value: JsonValue | undefined) => (value === undefined ? '(none)' : canonicalStringify(value));

/** A user's attribute values are personal data: the report and the journal name the attribute only. */
const personal = (field: string) => field === 'attributes' || field.startsWith('attributes.');

/** The report's words for what did not take: each field with its value before, wanted and after. */
export function describeMisses(misses: readonly Miss[]): string {
  const fields = misses.map((m) =>
    personal(m.field)
      ? `${m.field}: not as wanted (values not shown)`
      : `${m.field}: before ${shown(m.before)}, wanted ${shown(m.wanted)}, after ${shown(m.after)}`,
  );
  return `done, but the read-back shows it did not take: ${fields.join('; ')}`;
}

/**
 * The actions of a task that a miss belongs to: those whose planned changes name the missed field
 * (or its top-level field); all of them when none does (a creation, a deletion).
 */
export function actionsOfMisses(task: EntityTask, misses: readonly Miss[]): RestoreAction[] {
  const top = (field: string) => field.split('.')[0] ?? field;
  const missed = new Set(misses.map((m) => top(m.field)));
  const named = task.actions.filter((a) => a.changes.some((c) => missed.has(top(c.field))));
  return named.length > 0 ? named : task.actions;
}
