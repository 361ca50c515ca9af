import { invalidParameter } from './errors.js';
import { isObject, type JsonObject } from './input.js';
import type { PoolRecord } from './state.js';

const STANDARD = [
  'sub',
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'email_verified',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
  'identities',
];
const TYPES: Record<string, string> = {
  email_verified: 'Boolean',
  phone_number_verified: 'Boolean',
  updated_at: 'Number',
};

const standardAttribute = (name: string): JsonObject => ({
  Name: name,
  AttributeDataType: TYPES[name] ?? 'String',
  DeveloperOnlyAttribute: false,
  Mutable: name !== 'sub' && name !== 'identities',
  Required: name === 'sub',
  ...((TYPES[name] ?? 'String') === 'String'
    ? { StringAttributeConstraints: { MinLength: name === 'sub' ? '1' : '0', MaxLength: '2048' } }
    : {}),
});

/**
 * The pool's SchemaAttributes from CreateUserPool's `Schema`: the standard attributes (which an entry
 * may make required) plus custom ones, stored under `custom:<Name>` as AWS does.
 */
export function buildSchema(requested: readonly JsonObject[]): JsonObject[] {
  const schema = STANDARD.map(standardAttribute);
  for (const entry of requested) addAttribute(schema, entry);
  return schema;
}

export function addAttribute(schema: JsonObject[], entry: JsonObject): void {
  const name = entry.Name;
  if (typeof name !== 'string' || name === '') throw invalidParameter('Every schema attribute needs a Name');
  const standard = schema.find((a) => a.Name === name && STANDARD.includes(name));
  if (standard !== undefined) {
    if (entry.Required === true) standard.Required = true;
    if (entry.Mutable === false) standard.Mutable = false;
    return;
  }
  const fullName = name.startsWith('custom:') ? name : `custom:${name}`;
  if (schema.some((a) => a.Name === fullName)) {
    throw invalidParameter(`Existing attribute already has name ${fullName}.`);
  }
  if (entry.Required === true)
    throw invalidParameter('Required custom attributes are not supported currently.');
  schema.push({
    ...entry,
    Name: fullName,
    AttributeDataType: typeof entry.AttributeDataType === 'string' ? entry.AttributeDataType : 'String',
    DeveloperOnlyAttribute: entry.DeveloperOnlyAttribute === true,
    Mutable: entry.Mutable !== false,
    Required: false,
  });
}

const schemaError = (name: string, reason: string) =>
  invalidParameter(`Attributes did not conform to the schema: ${name}: ${reason}`);

function checkAttribute(pool: PoolRecord, name: string, value: string, mode: 'create' | 'update'): void {
  const definition = pool.schema.find((a) => a.Name === name);
  if (definition === undefined) throw schemaError(name, 'Attribute does not exist in the schema.');
  if (name === 'sub' || (mode === 'update' && definition.Mutable === false)) {
    throw schemaError(name, 'Attribute cannot be updated. (changing an immutable attribute)');
  }
  const constraints = definition.StringAttributeConstraints;
  const max = isObject(constraints) ? Number(constraints.MaxLength ?? 2048) : 2048;
  if (value.length > max) throw schemaError(name, `String must be no longer than ${max} characters`);
}

/**
 * Checks attributes against the pool's schema as Cognito does: unknown names are refused, `sub` can
 * never be written (it is generated), and immutable attributes can be set only at creation, when
 * every required attribute must be present.
 */
export function checkAttributes(
  pool: PoolRecord,
  attributes: readonly [string, string][],
  mode: 'create' | 'update',
): void {
  for (const [name, value] of attributes) checkAttribute(pool, name, value, mode);
  if (mode === 'update') return;
  const given = new Set(attributes.map(([name]) => name));
  const missing = pool.schema.find(
    (a) => a.Required === true && a.Name !== 'sub' && !given.has(String(a.Name)),
  );
  if (missing !== undefined) throw schemaError(String(missing.Name), 'The attribute is required');
}
