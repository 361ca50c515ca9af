import type { ChangeRecord } from '../changes/changeRecord.js';
import { nextRecords, type Verdict } from '../changes/nextRecords.js';
import { VersionConflictError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog, Clock } from '../ports.js';
import type { ReconcileCounts } from './reconcileCheckpoint.js';

const CONFLICT_ATTEMPTS = 5;

export type ReconcileEntityOutcome =
  | { kind: 'baseline' | 'drift' | 'delete' | 'unchanged' }
  | { kind: 'stale'; reason: string };

export interface ReconcileTimes {
  /** When the read of the entity began (see `nextRecords`). */
  readAt: string;
  runStartedAt: string;
  /** Entities this run has counted already (pages listed again after an expired token). */
  counted?: (key: EntityKey) => boolean;
  /** The run the records name as their cause. */
  runId?: string;
  /** Changes Cognito dates within this long are left to capture (see `ReconcilePoolOptions`). */
  graceMs?: number;
}

/** One entity: head, the document as read (given the head), the never-regress verdict, appended. */
export async function reconcileEntity(
  deps: { changeLog: ChangeLog; clock: Clock },
  poolId: string,
  key: EntityKey,
  docOf: (head: ChangeRecord | undefined) => JsonObject | null,
  times: ReconcileTimes,
): Promise<ReconcileEntityOutcome> {
  const { readAt } = times;
  for (let attempt = 1; ; attempt++) {
    const head = await deps.changeLog.head(poolId, key);
    const after = docOf(head);
    const verdict: Verdict = nextRecords({
      poolId,
      entity: key,
      head,
      after,
      observedAt: deps.clock.now().toISOString(),
      readAt,
      source: 'reconcile',
      ...(times.runId === undefined ? {} : { cause: { reconcileRun: times.runId } }),
      ...(times.graceMs === undefined || times.graceMs <= 0
        ? {}
        : { grace: { now: deps.clock.now().toISOString(), ms: times.graceMs } }),
    });
    if (verdict.kind === 'stale') return { kind: 'stale', reason: verdict.reason };
    if (verdict.kind === 'unchanged') return { kind: unchangedKind(key, head, times) };
    if (await appendedAll(deps.changeLog, verdict.records, attempt)) {
      if (after === null) return { kind: 'delete' };
      return { kind: head === undefined ? 'baseline' : 'drift' };
    }
  }
}

function unchangedKind(
  key: EntityKey,
  head: ChangeRecord | undefined,
  { runStartedAt, counted }: ReconcileTimes,
): 'baseline' | 'drift' | 'delete' | 'unchanged' {
  if (counted?.(key) === true) return 'unchanged';
  return writtenByThisRun(head, runStartedAt) ?? 'unchanged';
}

/**
 * What an earlier invocation of this run recorded for an entity it is now reading again (it died
 * before its checkpoint): counted as that, so a resumed run counts each drift once, not zero times.
 */
function writtenByThisRun(
  head: ChangeRecord | undefined,
  runStartedAt: string,
): 'baseline' | 'drift' | 'delete' | undefined {
  if (head === undefined || head.source !== 'reconcile' || head.observedAt < runStartedAt) return undefined;
  if (head.after === null) return 'delete';
  return head.version === 1 ? 'baseline' : 'drift';
}

/** False when another writer took a version first (read the head again); throws after the last attempt. */
async function appendedAll(
  log: ChangeLog,
  records: readonly ChangeRecord[],
  attempt: number,
): Promise<boolean> {
  try {
    for (const record of records) await log.append(record);
    return true;
  } catch (error) {
    if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    return false;
  }
}

export function tally(
  counts: ReconcileCounts,
  outcome: ReconcileEntityOutcome,
  stale: string[],
  key: EntityKey,
): ReconcileCounts {
  switch (outcome.kind) {
    case 'baseline':
      return { ...counts, baselines: counts.baselines + 1 };
    case 'drift':
      return { ...counts, drift: counts.drift + 1 };
    case 'delete':
      return { ...counts, deletes: counts.deletes + 1 };
    case 'stale':
      stale.push(`${key}: ${outcome.reason}`);
      return { ...counts, stale: counts.stale + 1 };
    default:
      return counts;
  }
}
