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

/** Cognito writes these itself: `sub` at creation, `identities` through AdminLinkProviderForUser. */
const GENERATED = new Set(['sub', 'identities']);

type Mode = 'create' | 'update' | 'delete';

const constraint = (definition: JsonObject, field: string, key: string): number | undefined => {
  const constraints = definition[field];
  const value = isObject(constraints) ? constraints[key] : undefined;
  return value === undefined || value === null || value === '' ? undefined : Number(value);
};

function checkNumber(definition: JsonObject, name: string, value: string): void {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw schemaError(name, 'Value must be a number');
  const min = constraint(definition, 'NumberAttributeConstraints', 'MinValue');
  const max = constraint(definition, 'NumberAttributeConstraints', 'MaxValue');
  if (min !== undefined && number < min) throw schemaError(name, `Number must be no less than ${min}`);
  if (max !== undefined && number > max) throw schemaError(name, `Number must be no greater than ${max}`);
}

function checkString(definition: JsonObject, name: string, value: string): void {
  const min = constraint(definition, 'StringAttributeConstraints', 'MinLength') ?? 0;
  const max = constraint(definition, 'StringAttributeConstraints', 'MaxLength') ?? 2048;
  if (value.length < min) throw schemaError(name, `String must be no shorter than ${min} characters`);
  if (value.length > max) throw schemaError(name, `String must be no longer than ${max} characters`);
}

/** The value against the attribute's type and constraints (AWS sends them as strings). */
function checkValue(definition: JsonObject, name: string, value: string): void {
  if (definition.AttributeDataType === 'Number') checkNumber(definition, name, value);
  else if (definition.AttributeDataType !== 'Boolean') checkString(definition, name, value);
  else if (value !== 'true' && value !== 'false') throw schemaError(name, 'Value must be true or false');
}

function checkAttribute(pool: PoolRecord, name: string, value: string, mode: Mode): void {
  const definition = pool.schema.find((a) => a.Name === name);
  if (definition === undefined) throw schemaError(name, 'Attribute does not exist in the schema.');
  if (GENERATED.has(name) || (mode !== 'create' && definition.Mutable === false)) {
    throw schemaError(name, 'Attribute cannot be updated. (changing an immutable attribute)');
  }
  if (mode !== 'delete') checkValue(definition, name, value);
}

/**
 * Checks attributes against the pool's schema as Cognito does: unknown names are refused, `sub` and
 * `identities` can never be written (Cognito generates them), immutable attributes can be set only
 * at creation, when every required attribute must be present, and values must fit the attribute's
 * type and constraints (a deletion has no value to check).
 */
export function checkAttributes(pool: PoolRecord, attributes: readonly [string, string][], mode: Mode): void {
  for (const [name, value] of attributes) checkAttribute(pool, name, value, mode);
  if (mode !== 'create') return;
  const given = new Set(attributes.map(([name]) => name));
  const missing = pool.schema.find(
    (a) => a.Required === true && a.Name !== 'sub' && !given.has(String(a.Name)),
  );
  if (missing !== undefined) throw schemaError(String(missing.Name), 'The attribute is required');
}
