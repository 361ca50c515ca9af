import type { EntityKey } from '../../model/entityKey.js';
import type { ClientLedgerEntry, JournalSummary, SubLedgerEntry } from '../journal/restoreJournal.js';
import type { RestoreMode, RestoreNote, RestorePlan } from '../plan/restorePlan.js';
import type { ActionOutcome, ApplyResult } from './applyPlan.js';

export interface KindCounts {
  planned: number;
  done: number;
  skipped: number;
  failed: number;
}

/** What `restore-report-<time>.json` holds: what was planned, what happened, and what it cost. */
export interface RestoreReport {
  sourcePoolId: string;
  targetPoolId: string;
  at: string;
  mode: RestoreMode;
  startedAt: string;
  finishedAt: string;
  elapsedSeconds: number;
  /** Actions done per second of wall time. */
  rate: number;
  ok: boolean;
  /** Earlier runs of this same restore that this one continued. */
  resumedRuns: number;
  counts: Record<string, KindCounts>;
  totals: KindCounts;
  failures: ActionOutcome[];
  skipped: ActionOutcome[];
  /** Old → new `sub` of every re-created user, this run's and earlier runs'. */
  subLedger: SubLedgerEntry[];
  /** Old → new id of every re-created app client, this run's and earlier runs'. */
  clientLedger: ClientLedgerEntry[];
  users: ApplyResult['users'];
  /** Entities the restore changed but could not record in the change log (the next reconcile does). */
  historyNotWritten: string[];
  notes: RestoreNote[];
  kept: EntityKey[];
  /** Cognito calls per quota category, and the throttling answers among them. */
  calls: Record<string, number>;
  throttled: Record<string, number>;
}

const empty = (): KindCounts => ({ planned: 0, done: 0, skipped: 0, failed: 0 });

export function buildRestoreReport(
  plan: RestorePlan,
  result: ApplyResult,
  stats: { calls: ReadonlyMap<string, number>; throttles: ReadonlyMap<string, number> },
  previous: JournalSummary,
): RestoreReport {
  const counts: Record<string, KindCounts> = {};
  const totals = empty();
  for (const task of plan.tasks)
    for (const action of task.actions) {
      counts[action.kind] ??= empty();
      (counts[action.kind] as KindCounts).planned += 1;
      totals.planned += 1;
    }
  for (const outcome of result.outcomes) {
    counts[outcome.kind] ??= empty();
    (counts[outcome.kind] as KindCounts)[outcome.status] += 1;
    totals[outcome.status] += 1;
  }
  const elapsedSeconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  const unique = <T>(items: T[], key: (item: T) => string) => [
    ...new Map(items.map((i) => [key(i), i])).values(),
  ];
  return {
    sourcePoolId: plan.sourcePoolId,
    targetPoolId: plan.targetPoolId,
    at: plan.at,
    mode: plan.mode,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    elapsedSeconds,
    rate: elapsedSeconds > 0 ? totals.done / elapsedSeconds : totals.done,
    ok: result.ok,
    resumedRuns: previous.runs,
    counts,
    totals,
    failures: result.outcomes.filter((o) => o.status === 'failed'),
    skipped: result.outcomes.filter((o) => o.status === 'skipped'),
    subLedger: unique([...previous.subs, ...result.subs], (e) => e.username),
    clientLedger: unique([...previous.clients, ...result.clients], (e) => e.oldClientId),
    users: result.users,
    historyNotWritten: result.historyNotWritten,
    notes: plan.notes,
    kept: plan.kept,
    calls: Object.fromEntries(stats.calls),
    throttled: Object.fromEntries(stats.throttles),
  };
}
