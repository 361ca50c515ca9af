import { invalidParameter, validation } from './errors.js';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** AWS names request members in camelCase in its validation messages. */
const member = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** Typed, validating access to one request body. Every type mismatch answers InvalidParameterException. */
export class Input {
  constructor(readonly raw: JsonObject) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  str(name: string): string {
    const value = this.optStr(name);
    if (value === undefined || value === '') {
      throw validation(member(name), null, 'Member must not be null');
    }
    return value;
  }

  optStr(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalidParameter(`${name} must be a string`);
    return value;
  }

  /** An integer within [min, max], or undefined when absent. */
  optInt(name: string, min: number, max: number): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw invalidParameter(`${name} must be an integer`);
    }
    if (value < min) {
      throw validation(member(name), value, `Member must have value greater than or equal to ${min}`);
    }
    if (value > max) {
      throw validation(member(name), value, `Member must have value less than or equal to ${max}`);
    }
    return value;
  }

  optBool(name: string): boolean | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw invalidParameter(`${name} must be a boolean`);
    return value;
  }

  optObj(name: string): JsonObject | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) throw invalidParameter(`${name} must be an object`);
    return value;
  }

  optStringMap(name: string): Record<string, string> | undefined {
    const value = this.optObj(name);
    if (value === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry !== 'string') throw invalidParameter(`${name}.${key} must be a string`);
      out[key] = entry;
    }
    return out;
  }

  optStrings(name: string): string[] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw invalidParameter(`${name} must be a list of strings`);
    }
    return value as string[];
  }

  optObjects(name: string): JsonObject[] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every(isObject)) {
      throw invalidParameter(`${name} must be a list of objects`);
    }
    return value;
  }

  /** A list of `{ Name, Value }` attributes, as AdminCreateUser and friends take them. */
  attributes(name: string): [string, string][] {
    return (this.optObjects(name) ?? []).map((attribute) => {
      const { Name, Value } = attribute;
      if (typeof Name !== 'string' || Name === '')
        throw invalidParameter(`${name}: every attribute needs a Name`);
      if (Value !== undefined && typeof Value !== 'string') {
        throw invalidParameter(`${name}: the value of ${Name} must be a string`);
      }
      return [Name, Value ?? ''];
    });
  }
}
