import { z } from 'zod';
import { ChangeLogCorruptError, InvalidInputError } from '../errors.js';
import { describeIssue, entityKeySchema, jsonObjectSchema } from '../model/schemaParts.js';
import { isCanonicalTime } from './canonicalTime.js';
import { CHANGE_SOURCES, type ChangeRecord } from './changeRecord.js';

/** Zod schema of a stored change record: nothing read back from a store is trusted before it parses. */

const time = z.string().refine(isCanonicalTime, 'not a canonical time (YYYY-MM-DDTHH:mm:ss.sssZ)');
const optional = z.string().optional();

/** A JSON pointer into the entity: `/enabled`, `/attributes/email`. */
const field = z.string().regex(/^(\/[^/]*)+$/, 'not a JSON pointer');

const patchOperation = z.looseObject({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string(),
});

export const changeRecordSchema = z.strictObject({
  id: z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, 'not a ULID'),
  poolId: z.string().min(1),
  entity: entityKeySchema,
  version: z.number().int().positive(),
  validFrom: time,
  observedAt: time,
  source: z.enum(CHANGE_SOURCES),
  event: z
    .strictObject({
      name: z.string().min(1),
      eventId: optional,
      actorArn: optional,
      actorType: optional,
      actorPrincipal: optional,
      eventTime: optional,
      eventType: optional,
      subjectSub: optional,
      sourceIp: optional,
      userAgent: optional,
    })
    .optional(),
  cause: z
    .strictObject({
      restoreId: optional,
      operatorArn: optional,
      operatorAccessKeyId: optional,
      reconcileRun: optional,
    })
    .optional(),
  change: z
    .strictObject({
      whole: jsonObjectSchema.nullable().optional(),
      set: jsonObjectSchema.optional(),
      unset: z.array(field).optional(),
      unknown: z.array(field).optional(),
    })
    .optional(),
  patch: z.array(patchOperation),
  after: jsonObjectSchema.nullable(),
  prevHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * A record read back from `where` (a journal, a table, a segment), validated. A record that does not
 * parse is damage to report, naming where it was and which record it claims to be.
 */
export function parseStoredRecord(value: unknown, where: string, offset = 0): ChangeRecord {
  const parsed = changeRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data as ChangeRecord;
  const id = (value as { id?: unknown } | null)?.id;
  const named = typeof id === 'string' ? `record ${id} ` : '';
  throw new ChangeLogCorruptError(
    where,
    offset,
    `${named}is not a valid change record (${describeIssue(parsed.error)})`,
  );
}

/** What every adapter refuses before storing anything: a record it could not read back. */
export function checkAppendable(record: ChangeRecord): void {
  const parsed = changeRecordSchema.safeParse(record);
  if (!parsed.success)
    throw new InvalidInputError(
      `change record ${String(record.id)} cannot be stored: ${describeIssue(parsed.error)}`,
    );
}
