import { escapePathComponent, unescapePathComponent } from 'fast-json-patch';
import { InvalidInputError } from '../errors.js';

/**
 * Every piece of pool state is one entity with a key: `pool`, `mfa`, `domain`, `riskConfiguration`,
 * `tags`, or `<kind>:<id>` for the keyed collections. The id is everything after the first colon, so
 * usernames with `:`, `/`, `~` or any unicode survive unchanged.
 */
export const SINGLETON_KINDS = ['pool', 'mfa', 'domain', 'riskConfiguration', 'tags'] as const;
export const COLLECTION_KINDS = ['client', 'group', 'user', 'idp', 'resourceServer', 'ui'] as const;

export type SingletonKind = (typeof SINGLETON_KINDS)[number];
export type CollectionKind = (typeof COLLECTION_KINDS)[number];
export type EntityKind = SingletonKind | CollectionKind;
export type EntityKey = string;

/** Where each collection lives in the pool-state document. */
export const COLLECTION_FIELD: Record<CollectionKind, string> = {
  client: 'clients',
  group: 'groups',
  user: 'users',
  idp: 'identityProviders',
  resourceServer: 'resourceServers',
  ui: 'uiCustomization',
};

export interface ParsedEntityKey {
  kind: EntityKind;
  id?: string;
}

const isSingleton = (value: string): value is SingletonKind =>
  (SINGLETON_KINDS as readonly string[]).includes(value);
const isCollection = (value: string): value is CollectionKind =>
  (COLLECTION_KINDS as readonly string[]).includes(value);

export function entityKey(kind: SingletonKind): EntityKey;
export function entityKey(kind: CollectionKind, id: string): EntityKey;
export function entityKey(kind: EntityKind, id?: string): EntityKey {
  if (isSingleton(kind)) return kind;
  if (id === undefined || id === '') throw new InvalidInputError(`entity kind ${kind} needs an id`);
  return `${kind}:${id}`;
}

export function parseEntityKey(key: EntityKey): ParsedEntityKey {
  if (isSingleton(key)) return { kind: key };
  const colon = key.indexOf(':');
  const kind = colon > 0 ? key.slice(0, colon) : '';
  const id = key.slice(colon + 1);
  if (!isCollection(kind) || id === '')
    throw new InvalidInputError(`not an entity key: ${JSON.stringify(key)}`);
  return { kind, id };
}

/** JSON pointer (RFC 6901) of the entity inside the pool-state document, e.g. `/users/a~1b`. */
export function entityPointer(key: EntityKey): string {
  const { kind, id } = parseEntityKey(key);
  if (id === undefined) return `/${kind}`;
  return `/${COLLECTION_FIELD[kind as CollectionKind]}/${escapePathComponent(id)}`;
}

/** Inverse of {@link entityPointer}. */
export function entityKeyFromPointer(pointer: string): EntityKey {
  const parts = pointer.split('/');
  if (parts[0] !== '' || parts.length < 2) throw new InvalidInputError(`not a JSON pointer: ${pointer}`);
  const field = parts[1] ?? '';
  if (parts.length === 2 && isSingleton(field)) return field;
  const kind = (Object.keys(COLLECTION_FIELD) as CollectionKind[]).find((k) => COLLECTION_FIELD[k] === field);
  if (kind === undefined || parts.length !== 3) throw new InvalidInputError(`no entity at ${pointer}`);
  return entityKey(kind, unescapePathComponent(parts[2] ?? ''));
}

/**
 * UTF-8 byte order, the order S3 lists keys and DynamoDB sorts string keys in. It equals code point
 * order, and differs from JavaScript's `<` (UTF-16 code units) only where a character above U+FFFF
 * (a surrogate pair, 0xD800–0xDFFF) meets one in U+E000–U+FFFF: UTF-16 puts the pair first, UTF-8 after.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return surrogateLast(x) - surrogateLast(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Lifts surrogates above U+E000–U+FFFF, so units ≥ 0xD800 compare in code point order. */
const surrogateLast = (unit: number): number => (unit <= 0xdfff ? unit + 0x2000 : unit - 0x800);

/** The one order used everywhere entities are listed: snapshots, replay merge-joins, state output. */
export const compareKeys = (a: EntityKey, b: EntityKey): number => Math.sign(compareUtf8(a, b));
