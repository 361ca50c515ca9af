import { deepEqual, type JsonObject, type JsonValue } from '../../model/json.js';

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The fields in which an entity, re-read before its task runs, has changed since the plan to
 * something the restore does not set: someone else's change, which the task must not overwrite.
 * A field changed to the very value the task writes is no conflict: an earlier phase of this restore
 * put it there (UpdateUserPool sets the SMS message GetUserPoolMfaConfig shows), or an earlier run
 * did, and writing it again loses nothing. An entity that appeared or vanished since the plan always
 * conflicts (its actions were planned for the other case). All three are writable views; MFA counts
 * only where the plan could see it.
 */
export function conflictingFields(
  expected: JsonObject | null,
  desired: JsonObject | null,
  now: JsonObject | null,
): string[] {
  if (expected === null || now === null) return expected === now ? [] : ['(entity)'];
  const comparable = { ...now };
  if (expected.mfa === undefined) delete comparable.mfa;
  return differing('', expected, desired ?? undefined, comparable);
}

function differing(
  path: string,
  expected: JsonValue | undefined,
  desired: JsonValue | undefined,
  now: JsonValue | undefined,
): string[] {
  if (deepEqual(expected, now) || deepEqual(desired, now)) return [];
  if (isObject(expected) && isObject(now) && (desired === undefined || isObject(desired))) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(now)]);
    return [...keys]
      .sort()
      .flatMap((key) =>
        differing(path === '' ? key : `${path}.${key}`, expected[key], desired?.[key], now[key]),
      );
  }
  return [path === '' ? '(entity)' : path];
}
