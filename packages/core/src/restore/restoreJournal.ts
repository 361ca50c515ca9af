import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import { describeIssue, entityKeySchema, jsonObjectSchema } from '../model/schemaParts.js';

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

/** Append-only; `read` returns every entry written so far, in order (a torn last one dropped). */
export interface RestoreJournal {
  read(): Promise<JournalEntry[]>;
  append(entry: JournalEntry): Promise<void>;
}

/** A journal in memory: for tests, and for callers that do not need to resume. */
export class MemoryRestoreJournal implements RestoreJournal {
  readonly entries: JournalEntry[] = [];
  async read(): Promise<JournalEntry[]> {
    return [...this.entries];
  }
  async append(entry: JournalEntry): Promise<void> {
    this.entries.push(structuredClone(entry));
  }
}

export interface SubLedgerEntry {
  /** The username at T. */
  username: string;
  oldSub: string;
  newSub: string;
  /**
   * The name Cognito gave the re-created user, where it is not `username`: in a pool with email or
   * phone as username the name is generated (the new sub), and later actions and re-runs follow it.
   */
  newUsername?: string;
}

export interface ClientLedgerEntry {
  clientName: string;
  oldClientId: string;
  newClientId: string;
}

/** What earlier runs of this restore did: their ledgers, and actions that started but never ended. */
export interface JournalSummary {
  runs: number;
  finished: boolean;
  done: Set<string>;
  inFlight: { action: string; entity: EntityKey }[];
  /** Actions whose last entry is a failure (a timeout among them: the call may have done its work). */
  failed: { action: string; entity: EntityKey }[];
  subs: SubLedgerEntry[];
  clients: ClientLedgerEntry[];
  /** The pool an earlier run made for `--create-pool`. */
  createdPool?: string;
}

export function summarizeJournal(entries: readonly JournalEntry[]): JournalSummary {
  const summary: JournalSummary = {
    runs: 0,
    finished: false,
    done: new Set(),
    inFlight: [],
    failed: [],
    subs: [],
    clients: [],
  };
  const open = new Map<string, EntityKey>();
  const failed = new Map<string, EntityKey>();
  for (const entry of entries) {
    if (entry.type === 'run') summary.runs += 1;
    else if (entry.type === 'finished') summary.finished = entry.ok;
    else if (entry.type === 'start') open.set(entry.action, entry.entity);
    else open.delete(entry.action);
    if (entry.type === 'failed') failed.set(entry.action, entry.entity);
    else if (entry.type !== 'run' && entry.type !== 'finished') failed.delete(entry.action);
    if (entry.type === 'done') addResult(summary, entry.action, entry.result ?? {});
  }
  summary.inFlight = [...open].map(([action, entity]) => ({ action, entity }));
  summary.failed = [...failed].map(([action, entity]) => ({ action, entity }));
  return summary;
}

/** What a finished action handed back: a created pool's id, a user's new sub, a client's new id. */
function addResult(summary: JournalSummary, action: string, result: JsonObject): void {
  summary.done.add(action);
  const { poolId, username, oldSub, newSub, newUsername, clientName, oldClientId, newClientId } = result;
  if (action === 'createPool' && typeof poolId === 'string') summary.createdPool = poolId;
  if (typeof newSub === 'string' && typeof oldSub === 'string')
    summary.subs.push({
      username: String(username),
      oldSub,
      newSub,
      ...(typeof newUsername === 'string' ? { newUsername } : {}),
    });
  if (typeof newClientId === 'string' && typeof oldClientId === 'string')
    summary.clients.push({ clientName: String(clientName), oldClientId, newClientId });
}
