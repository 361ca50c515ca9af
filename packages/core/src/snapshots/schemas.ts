import { z } from 'zod';
import type { EntityEntry } from '../model/poolState.js';
import { describeIssue, entityKeySchema, jsonObjectSchema } from '../model/schemaParts.js';
import {
  MANIFEST_FORMAT,
  SNAPSHOT_FORMAT,
  type SnapshotHeader,
  type SnapshotManifest,
} from '../model/snapshotFormat.js';

/** Zod schemas for what we read back from storage: nothing stored is trusted before it parses. */

const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not an ISO-8601 time');
const kind = z.enum(['scan', 'compaction']);
const counts = z.record(z.string(), z.number().int().nonnegative());

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
  doc: jsonObjectSchema,
  unknown: z.array(z.string()).optional(),
}) satisfies z.ZodType<EntityEntry>;

export const snapshotManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  ...snapshotIdentity,
  object: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  entities: z.number().int().nonnegative(),
}) satisfies z.ZodType<SnapshotManifest>;

export { describeIssue };
