import { parseEntityKey } from '../model/entityKey.js';
import { canonicalObject, type JsonObject, type JsonValue } from '../model/json.js';

/**
 * An entity document as a flat map of *fields*, so that changes learnt out of order can be applied
 * in valid-time order: each field is set or removed on its own, and two changes to different fields
 * commute. A field is a JSON pointer (RFC 6901): one level down for most members (`/enabled`,
 * `/Precedence`), two for a user's attributes (`/attributes/email`), and one per group for a user's
 * memberships (`/groups/admins`, value `true`): a membership added at 10:03 and an attribute set at
 * 10:01 are two fields, and neither a list index nor the other change moves them.
 */
export type Field = string;
export type Fields = Map<Field, JsonValue>;

/** Members of a kind's documents that are maps (flattened per key) or sets of names (per member). */
const NESTED: Record<string, { maps: readonly string[]; sets: readonly string[] }> = {
  user: { maps: ['attributes'], sets: ['groups'] },
};

const escapePart = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapePart = (part: string) => part.replaceAll('~1', '/').replaceAll('~0', '~');

export const field = (...parts: string[]): Field => parts.map((part) => `/${escapePart(part)}`).join('');

/** The parts of a field: `/attributes/custom~1x` → ['attributes', 'custom/x']. */
export const fieldParts = (path: Field): string[] => path.slice(1).split('/').map(unescapePart);

const nestedOf = (kind: string) => NESTED[kind] ?? { maps: [], sets: [] };

export function toFields(kind: string, doc: JsonObject): Fields {
  const { maps, sets } = nestedOf(kind);
  const fields: Fields = new Map();
  for (const [member, value] of Object.entries(doc)) {
    if (maps.includes(member) && isObject(value)) {
      for (const [key, inner] of Object.entries(value)) fields.set(field(member, key), inner);
    } else if (sets.includes(member) && Array.isArray(value)) {
      for (const name of value) if (typeof name === 'string') fields.set(field(member, name), true);
    } else fields.set(field(member), value);
  }
  return fields;
}

/**
 * The document of a field map. A kind's map and set members are always there (`attributes: {}`,
 * `groups: []`), as the canonical documents have them; sets come out sorted as canonical documents
 * sort them.
 */
export function fromFields(kind: string, fields: Fields): JsonObject {
  const { maps, sets } = nestedOf(kind);
  const doc: Record<string, JsonValue> = {};
  for (const member of maps) doc[member] = {};
  for (const member of sets) doc[member] = [];
  for (const [path, value] of fields) {
    const [member = '', key] = fieldParts(path);
    if (key !== undefined && maps.includes(member)) (doc[member] as JsonObject)[key] = value;
    else if (key !== undefined && sets.includes(member)) (doc[member] as string[]).push(key);
    else doc[member] = value;
  }
  for (const member of sets) (doc[member] as string[]).sort();
  return canonicalObject(doc);
}

/**
 * Whether `path` names a whole nested member (`/attributes`, `/groups`): a change to it replaces, or
 * marks unknown, every field inside at once — including ones nobody knows the names of.
 */
export function isNestedMember(kind: string, path: Field): boolean {
  const parts = fieldParts(path);
  const { maps, sets } = nestedOf(kind);
  return parts.length === 1 && (maps.includes(parts[0] ?? '') || sets.includes(parts[0] ?? ''));
}

/** The fields a whole nested member's value stands for: `/attributes` → `/attributes/<name>` each. */
export function memberFields(kind: string, path: Field, value: JsonValue): Fields {
  const member = fieldParts(path)[0] ?? '';
  return toFields(kind, { [member]: value });
}

/** The fields of `doc` that belong to `member` (a whole member of the document: `attributes`, `mfa`). */
export const memberOf = (path: Field): string => fieldParts(path)[0] ?? '';

export const kindOfKey = (key: string): string => parseEntityKey(key).kind;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
