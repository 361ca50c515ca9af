import { InvalidInputError } from '../errors.js';
import type { JsonObject } from '../model/json.js';

/** Names are short `/`-separated paths of plain segments: they become file paths and table keys. */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const MAX_NAME = 512;

export function checkCheckpointName(name: string): void {
  const segments = name.split('/');
  const bad = segments.find((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..');
  if (name.length > MAX_NAME || bad !== undefined)
    throw new InvalidInputError(
      `checkpoint name ${JSON.stringify(name)} is not a /-separated path of letters, digits, _ . -`,
    );
}

export function checkRevision(expected: number | undefined): void {
  if (expected !== undefined && (!Number.isInteger(expected) || expected < 1))
    throw new InvalidInputError(`checkpoint revision ${expected} is not a positive integer`);
}

/** A checkpoint value must survive JSON: no undefined-only fields, no cycles, no class instances. */
export function checkpointJson(value: JsonObject): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError('a checkpoint value must be a JSON object');
  return JSON.stringify(value);
}
