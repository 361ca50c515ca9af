import { parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject, type JsonValue } from '../model/json.js';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;

/** Cognito's own "last modified" stamp of an entity document, where it has one. */
export const modifiedAtOf = (doc: JsonObject | null | undefined): string | undefined =>
  doc ? (text(doc.modifiedAt) ?? text(doc.LastModifiedDate)) : undefined;

/** Cognito's own creation stamp of an entity document, where it has one. */
export const createdAtOf = (doc: JsonObject | null | undefined): string | undefined =>
  doc ? (text(doc.createdAt) ?? text(doc.CreationDate)) : undefined;

/**
 * Fields Cognito changes through other calls without moving the entity's modification date: group
 * membership (AdminAddUserToGroup) and MFA preferences of a user; the domain and MFA mode of a pool.
 * The value is what a newly created entity has (undefined: the field is absent).
 */
const UNDATED_FIELDS: Record<string, Record<string, JsonValue | undefined>> = {
  user: { groups: [], mfa: { enabled: [], preferred: null } },
  pool: { Domain: undefined, CustomDomain: undefined, MfaConfiguration: undefined },
};

/** One state an entity passed through, and the Cognito date it became true at (if known). */
export interface EntityStep {
  doc: JsonObject | null;
  date?: string;
}

/**
 * Splits the change `before → after` into the states it is known to have passed through. When the
 * change moved Cognito's modification date, the fields that date covers became true at that date;
 * fields it does not cover (memberships, for one) are only known to have changed by the time we
 * looked, so they get a step of their own without a date. Never a later state at an earlier time.
 */
export function changeSteps(
  key: string,
  before: JsonObject | undefined,
  after: JsonObject | null,
): EntityStep[] {
  if (after === null) return [{ doc: null }];
  // Same name, but another creation date or sub: deleted and created again. Nothing carries over.
  const previous = before !== undefined && sameIncarnation(before, after) ? before : undefined;
  if (previous === undefined && before !== undefined && createdAtOf(after) === undefined)
    return [{ doc: after }];
  const date =
    previous === undefined ? (modifiedAtOf(after) ?? createdAtOf(after)) : movedDate(previous, after);
  if (date === undefined) return [{ doc: after }];
  const dated = datedPart(parseEntityKey(key).kind, previous, after);
  return deepEqual(dated, after) ? [{ doc: after, date }] : [{ doc: dated, date }, { doc: after }];
}

/** Cognito dates come in whole seconds, so a user re-created within one second is told apart by its sub. */
function sameIncarnation(before: JsonObject, after: JsonObject): boolean {
  const sub = (doc: JsonObject) => (doc.attributes as Record<string, unknown> | undefined)?.sub;
  return createdAtOf(before) === createdAtOf(after) && sub(before) === sub(after);
}

function movedDate(before: JsonObject, after: JsonObject): string | undefined {
  const modified = modifiedAtOf(after);
  return modified !== undefined && modified !== modifiedAtOf(before) ? modified : undefined;
}

/**
 * `after`, with the fields its date does not cover as they were before (or as a new entity has them).
 * A field `after` does not have at all (not read this time) stays absent.
 */
function datedPart(kind: string, before: JsonObject | undefined, after: JsonObject): JsonObject {
  const dated: JsonObject = { ...after };
  for (const [field, initial] of Object.entries(UNDATED_FIELDS[kind] ?? {})) {
    if (!(field in after)) continue;
    const value = before === undefined ? initial : before[field];
    if (value === undefined) delete dated[field];
    else dated[field] = value;
  }
  return dated;
}
