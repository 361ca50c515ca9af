import { InvalidInputError } from '../../errors.js';
import { deepEqual, type JsonObject } from '../../model/json.js';
import { POOL_CREATION_ONLY } from './writableView.js';

/**
 * The target pool cannot take the restored state: a custom attribute or a creation-time setting
 * differs, or a user write breaks the target's schema (required, immutable, length or range).
 */
export class SchemaMismatchError extends InvalidInputError {
  constructor(
    readonly targetPoolId: string,
    readonly differences: readonly string[],
  ) {
    super(`pool ${targetPoolId} cannot take this restore, nothing was changed: ${differences.join('; ')}`);
    this.name = 'SchemaMismatchError';
  }
}

interface SchemaAttribute {
  Name?: string;
  AttributeDataType?: string;
}

const customAttributes = (pool: JsonObject): Map<string, SchemaAttribute> =>
  new Map(
    ((pool.SchemaAttributes ?? []) as SchemaAttribute[])
      .filter((a) => a.Name?.startsWith('custom:'))
      .map((a) => [a.Name as string, a]),
  );

/** Attribute names every user at T uses that the live schema lacks (a pool without SchemaAttributes: none). */
function usedAttributesMissing(users: Iterable<JsonObject>, live: JsonObject): string[] {
  const schema = live.SchemaAttributes as SchemaAttribute[] | undefined;
  if (schema === undefined) return [];
  const known = new Set(schema.map((a) => a.Name));
  const missing = new Set<string>();
  for (const user of users)
    for (const name of Object.keys((user.attributes ?? {}) as object))
      if (name.startsWith('custom:') && !known.has(name)) missing.add(name);
  return [...missing].sort();
}

/**
 * Differences of the pool itself that would make the restore fail half-way: a custom attribute the
 * target pool lacks or types differently, and the settings Cognito fixes at creation (username
 * attributes, aliases, case sensitivity). The planner adds those of each user write
 * (userAttributeCheck.ts) and throws SchemaMismatchError naming them all, before any change.
 */
export function schemaDifferences(
  atT: JsonObject | undefined,
  live: JsonObject | undefined,
  users: Iterable<JsonObject>,
): string[] {
  if (atT === undefined || live === undefined) return [];
  return [...new Set([...customAttributeDifferences(atT, live, users), ...creationDifferences(atT, live)])];
}

function customAttributeDifferences(
  atT: JsonObject,
  live: JsonObject,
  users: Iterable<JsonObject>,
): string[] {
  const differences: string[] = [];
  const liveCustom = customAttributes(live);
  for (const [name, attribute] of customAttributes(atT)) {
    const there = liveCustom.get(name);
    if (there === undefined) differences.push(`custom attribute ${name} is missing`);
    else if (there.AttributeDataType !== attribute.AttributeDataType)
      differences.push(
        `custom attribute ${name} is ${there.AttributeDataType}, was ${attribute.AttributeDataType}`,
      );
  }
  for (const name of usedAttributesMissing(users, live))
    differences.push(`custom attribute ${name} is missing`);
  return differences;
}

function creationDifferences(atT: JsonObject, live: JsonObject): string[] {
  return POOL_CREATION_ONLY.flatMap((setting) => {
    const was = normalise(setting, atT[setting]);
    const is = normalise(setting, live[setting]);
    return deepEqual(was, is)
      ? []
      : [
          `${setting} is ${JSON.stringify(is ?? null)}, was ${JSON.stringify(was ?? null)} (fixed when a pool is created)`,
        ];
  });
}

/** An empty list and no list mean the same; case sensitivity defaults to true. */
function normalise(setting: string, value: JsonObject[string] | undefined) {
  if (Array.isArray(value)) return value.length === 0 ? undefined : [...value].sort();
  if (setting === 'UsernameConfiguration')
    return { CaseSensitive: (value as JsonObject | undefined)?.CaseSensitive !== false };
  return value;
}
