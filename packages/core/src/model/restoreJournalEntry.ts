import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import type { EntityKey } from './entityKey.js';
import type { JsonObject } from './json.js';
import { describeIssue, entityKeySchema, jsonObjectSchema } from './schemaParts.js';

/**
 * A restore's journal: each action is written before it runs and after it ends, so a restore killed
 * in the middle and run again knows what it already did. The record of what Cognito handed back
 * (a re-created client's new id, a user's new sub) lives here too: the ledgers survive the kill.
 */
export type JournalEntry =
  | { type: 'run'; at: string; planned: number }
  | { type: 'start'; at: string; action: string; entity: EntityKey }
  | { type: 'done'; at: string; action: string; entity: EntityKey; result?: JsonObject }
  | { type: 'failed'; at: string; action: string; entity: EntityKey; error: string }
  | { type: 'skipped'; at: string; action: string; entity: EntityKey; reason: string }
  | { type: 'finished'; at: string; ok: boolean };

const entryFields = { at: z.string(), action: z.string(), entity: entityKeySchema };

/** A journal entry as read back from storage. */
const journalEntrySchema: z.ZodType<JournalEntry> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), at: z.string(), planned: z.number() }),
  z.object({ type: z.literal('start'), ...entryFields }),
  z.object({ type: z.literal('done'), ...entryFields, result: jsonObjectSchema.optional() }),
  z.object({ type: z.literal('failed'), ...entryFields, error: z.string() }),
  z.object({ type: z.literal('skipped'), ...entryFields, reason: z.string() }),
  z.object({ type: z.literal('finished'), at: z.string(), ok: z.boolean() }),
]);

/**
 * One entry read back from `where` (a file and line): an InvalidInputError naming what is wrong when
 * it is not a journal entry, so a damaged journal stops the restore before it changes anything.
 */
export function parseJournalEntry(value: unknown, where: string): JournalEntry {
  const parsed = journalEntrySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    `restore journal ${where} is not a journal entry (${describeIssue(parsed.error)}): restore the file, or remove it to start the restore afresh`,
  );
}
