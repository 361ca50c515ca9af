import { z } from 'zod';
import { parseEntityKey } from './entityKey.js';
import type { JsonObject } from './json.js';

/** Zod pieces shared by the schemas of what is read back from storage (snapshots, change records). */

export const entityKeySchema = z.string().refine((key) => {
  try {
    parseEntityKey(key);
    return true;
  } catch {
    return false;
  }
}, 'not an entity key');

/**
 * Any plain object: JSON.parse only ever produces JSON values, so it is a JsonObject. Passed through
 * as parsed (no copy, and a member named `__proto__` stays a member).
 */
export const jsonObjectSchema = z.custom<JsonObject>(
  (doc) => typeof doc === 'object' && doc !== null && !Array.isArray(doc),
  'expected an object',
);

/** One line of the first issue zod found, e.g. `at: not an ISO-8601 time`. */
export const describeIssue = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
};
