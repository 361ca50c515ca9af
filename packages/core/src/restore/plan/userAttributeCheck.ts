import type { JsonObject } from '../../model/json.js';
import type { EntityTask, RestoreActionOf } from './restorePlan.js';
import { USER_SERVER_SET_ATTRIBUTES } from './writableView.js';

/** One entry of a pool's SchemaAttributes (AWS sends constraints as strings). */
interface SchemaAttribute {
  Name?: string;
  AttributeDataType?: string;
  Mutable?: boolean;
  Required?: boolean;
  StringAttributeConstraints?: { MinLength?: string | number; MaxLength?: string | number };
  NumberAttributeConstraints?: { MinValue?: string | number; MaxValue?: string | number };
}

/** How many usernames a difference names before it gives only a count. */
const NAMED = 3;

const schemaOf = (pool: JsonObject | undefined): Map<string, SchemaAttribute> | undefined => {
  const schema = pool?.SchemaAttributes as SchemaAttribute[] | undefined;
  return schema === undefined ? undefined : new Map(schema.map((a) => [a.Name ?? '', a]));
};

const bound = (value: string | number | undefined): number | undefined =>
  value === undefined || value === '' ? undefined : Number(value);

/**
 * What the target pool's schema refuses in the user writes of a plan, found before any of them is
 * sent: a user created without an attribute the target requires, an attribute the target makes
 * immutable that an update must write, a value longer or shorter than the target allows or a number
 * out of its range. One line per attribute and reason, naming a few users and how many there are;
 * never a value (attribute values are personal data).
 */
export function userAttributeDifferences(
  targetPoolId: string,
  atT: JsonObject | undefined,
  live: JsonObject | undefined,
  tasks: readonly EntityTask[],
): string[] {
  const schema = schemaOf(live);
  if (schema === undefined) return [];
  const check = new AttributeCheck(targetPoolId, schema, schemaOf(atT));
  for (const task of tasks)
    for (const a of task.actions)
      if (a.kind === 'createUser') check.created(a);
      else if (a.kind === 'updateUserAttributes') check.updated(a);
      else if (a.kind === 'deleteUserAttributes') check.deleted(a);
  return check.differences();
}

/** The actions that write a user's attributes. */
type AttributeAction = RestoreActionOf<'createUser' | 'updateUserAttributes' | 'deleteUserAttributes'>;

class AttributeCheck {
  /** "attribute reason" → usernames. */
  private readonly found = new Map<string, string[]>();

  constructor(
    private readonly poolId: string,
    private readonly schema: ReadonlyMap<string, SchemaAttribute>,
    private readonly schemaAtT: ReadonlyMap<string, SchemaAttribute> | undefined,
  ) {}

  created(a: RestoreActionOf<'createUser'>): void {
    const attributes = a.input.UserAttributes;
    for (const [name, definition] of this.schema)
      if (definition.Required === true && !USER_SERVER_SET_ATTRIBUTES.includes(name) && !(name in attributes))
        this.add(a, name, `is required in ${this.poolId} but absent at T`);
    this.values(a, attributes);
  }

  updated(a: RestoreActionOf<'updateUserAttributes'>): void {
    const attributes = a.input.UserAttributes;
    for (const name of Object.keys(attributes)) this.mutable(a, name);
    this.values(a, attributes);
  }

  deleted(a: RestoreActionOf<'deleteUserAttributes'>): void {
    for (const name of a.input.UserAttributeNames) {
      this.mutable(a, name);
      if (this.schema.get(name)?.Required === true)
        this.add(a, name, `is required in ${this.poolId} but absent at T`);
    }
  }

  differences(): string[] {
    return [...this.found]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([what, users]) => {
        const named = users.slice(0, NAMED).join(', ');
        const more = users.length > NAMED ? ` and ${users.length - NAMED} more` : '';
        return `${what}, for ${users.length} user(s): ${named}${more}`;
      });
  }

  private mutable(a: AttributeAction, name: string): void {
    if (this.schema.get(name)?.Mutable !== false) return;
    const wasMutable = this.schemaAtT?.get(name)?.Mutable !== false;
    this.add(
      a,
      name,
      wasMutable
        ? `is mutable at T but immutable in ${this.poolId}, and the restore must update it`
        : 'is immutable, and the restore would have to change it',
    );
  }

  private values(a: AttributeAction, attributes: Record<string, string>): void {
    for (const [name, value] of Object.entries(attributes)) {
      const definition = this.schema.get(name);
      if (definition === undefined) continue; // a missing attribute is schemaDifferences' to name
      const reason =
        definition.AttributeDataType === 'Number'
          ? this.numberProblem(definition, value)
          : definition.AttributeDataType === 'Boolean'
            ? undefined
            : this.lengthProblem(definition, value);
      if (reason !== undefined) this.add(a, name, reason);
    }
  }

  private numberProblem(definition: SchemaAttribute, value: string): string | undefined {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) return `is not a number, as ${this.poolId} requires`;
    const min = bound(definition.NumberAttributeConstraints?.MinValue);
    const max = bound(definition.NumberAttributeConstraints?.MaxValue);
    if (min !== undefined && number < min) return `is below ${min}, the least ${this.poolId} allows`;
    if (max !== undefined && number > max) return `is above ${max}, the most ${this.poolId} allows`;
    return undefined;
  }

  private lengthProblem(definition: SchemaAttribute, value: string): string | undefined {
    // Cognito counts characters, not UTF-16 code units.
    const length = [...value].length;
    const min = bound(definition.StringAttributeConstraints?.MinLength);
    const max = bound(definition.StringAttributeConstraints?.MaxLength);
    if (min !== undefined && length < min)
      return `is shorter than the ${min} characters ${this.poolId} requires`;
    if (max !== undefined && length > max)
      return `is longer than the ${max} characters ${this.poolId} allows`;
    return undefined;
  }

  private add(a: AttributeAction, name: string, reason: string): void {
    const key = `${name} ${reason}`;
    const username = a.input.Username;
    const users = this.found.get(key) ?? [];
    if (!users.includes(username)) users.push(username);
    this.found.set(key, users);
  }
}
