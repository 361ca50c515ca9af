import type { JsonObject, JsonValue } from '../model/json.js';
import { type Field, memberOf } from './entityFields.js';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;

/** Cognito's own "last modified" stamp of an entity document, where it has one. */
export const modifiedAtOf = (doc: JsonObject | null | undefined): string | undefined =>
  doc ? (text(doc.modifiedAt) ?? text(doc.LastModifiedDate)) : undefined;

/** Cognito's own creation stamp of an entity document, where it has one. */
export const createdAtOf = (doc: JsonObject | null | undefined): string | undefined =>
  doc ? (text(doc.createdAt) ?? text(doc.CreationDate)) : undefined;

/**
 * Members Cognito changes through other calls without moving the entity's modification date: group
 * membership (AdminAddUserToGroup) and MFA preferences of a user; the domain and MFA mode of a pool.
 * The value is what a newly created entity has (undefined: the member is absent).
 */
export const UNDATED_MEMBERS: Record<string, Record<string, JsonValue | undefined>> = {
  user: { groups: [], mfa: { enabled: [], preferred: null } },
  pool: { Domain: undefined, CustomDomain: undefined, MfaConfiguration: undefined },
};

/** Members no call changes once the entity exists: known from its creation on, whatever happened next. */
const IMMUTABLE_MEMBERS = ['username', 'createdAt', 'CreationDate', 'Id', 'Arn', 'ClientId', 'GroupName'];
const IMMUTABLE_FIELDS = ['/attributes/sub'];

/** Whether Cognito's modification date covers this field (it moves when the field changes). */
export const isDatedField = (kind: string, path: Field): boolean =>
  !Object.hasOwn(UNDATED_MEMBERS[kind] ?? {}, memberOf(path));

export const isImmutableField = (path: Field): boolean =>
  IMMUTABLE_FIELDS.includes(path) || IMMUTABLE_MEMBERS.includes(memberOf(path));

const subOf = (doc: JsonObject): unknown => (doc.attributes as Record<string, unknown> | undefined)?.sub;

/**
 * The same entity, not one deleted and created again under its name: same creation date and, for
 * users, the same sub (Cognito dates come in whole seconds, so a user re-created within one second
 * is told apart by its sub alone).
 */
export const sameIncarnation = (before: JsonObject, after: JsonObject): boolean =>
  createdAtOf(before) === createdAtOf(after) && subOf(before) === subOf(after);

/** `doc` with its undated members as a new entity has them: what it held when it was created. */
export function asCreated(kind: string, doc: JsonObject): JsonObject {
  const created: JsonObject = { ...doc };
  for (const [member, initial] of Object.entries(UNDATED_MEMBERS[kind] ?? {})) {
    if (!(member in doc)) continue;
    if (initial === undefined) delete created[member];
    else created[member] = initial;
  }
  return created;
}
