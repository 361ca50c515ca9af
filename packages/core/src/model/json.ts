export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * Canonical JSON value: object keys sorted, `Date`s as ISO-8601 UTC, `undefined` members dropped.
 * Two equal pool states always serialise to the same bytes, which is what makes diffs, hashes and
 * snapshot comparisons meaningful.
 */
export function canonicalize(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalize(item)));
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member !== undefined && typeof member !== 'function') out[key] = canonicalize(member);
    }
    return out;
  }
  throw new TypeError(`cannot canonicalize a value of type ${typeof value}`);
}

export function canonicalObject(value: unknown): JsonObject {
  const json = canonicalize(value);
  if (!isPlainObject(json)) throw new TypeError('expected an object');
  return json as JsonObject;
}

/** Stable serialisation: keys sorted at every depth. */
export const canonicalStringify = (value: unknown): string => JSON.stringify(canonicalize(value));

export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return canonicalStringify(a ?? null) === canonicalStringify(b ?? null);
}
