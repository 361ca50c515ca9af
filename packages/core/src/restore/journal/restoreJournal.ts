import type { EntityKey } from '../../model/entityKey.js';
import type { JsonObject } from '../../model/json.js';
import type { JournalEntry } from '../../model/restoreJournalEntry.js';

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
