import { z } from 'zod';
import { parseEntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { EntityEntry } from '../model/poolState.js';
import { MANIFEST_FORMAT, SNAPSHOT_FORMAT, type SnapshotHeader, type SnapshotManifest } from './format.js';

/** Zod schemas for what we read back from storage: nothing stored is trusted before it parses. */

const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not an ISO-8601 time');
const kind = z.enum(['scan', 'compaction']);
const counts = z.record(z.string(), z.number().int().nonnegative());

const entityKeySchema = z.string().refine((key) => {
  try {
    parseEntityKey(key);
    return true;
  } catch {
    return false;
  }
}, 'not an entity key');

/** What a snapshot's header and its manifest both say about it. */
const snapshotIdentity = {
  poolId: z.string().min(1),
  snapshotId: z.string().min(1),
  at: time,
  createdAt: time,
  kind,
  lastChangeId: z.string().nullable(),
  base: z.string().optional(),
  logPosition: z.string().min(1).optional(),
  counts,
  notCaptured: z.array(z.string()),
};

export const snapshotHeaderSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  ...snapshotIdentity,
}) satisfies z.ZodType<SnapshotHeader>;

export const entityEntrySchema = z.object({
  key: entityKeySchema,
  version: z.number().int().nonnegative(),
  hash: z.string().nullable(),
  // JSON.parse only ever produces JSON values, so any plain object is a JsonObject; passed through
  // as parsed (no copy, and a member named `__proto__` stays a member).
  doc: z.custom<JsonObject>(
    (doc) => typeof doc === 'object' && doc !== null && !Array.isArray(doc),
    'expected an object',
  ),
}) satisfies z.ZodType<EntityEntry>;

export const snapshotManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  ...snapshotIdentity,
  object: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  entities: z.number().int().nonnegative(),
}) satisfies z.ZodType<SnapshotManifest>;

/** One line of the first issue zod found, e.g. `at: not an ISO-8601 time`. */
export const describeIssue = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
};
