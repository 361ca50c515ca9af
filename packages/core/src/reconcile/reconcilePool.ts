import { CheckpointConflictError } from '../errors.js';
import type { ChangeLog, CheckpointStore, Clock, CognitoReader } from '../ports.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import {
  type ReconcileCounts,
  type ReconcileRun,
  readReconcileState,
  type StoredReconcileState,
  updateReconcileState,
} from './reconcileCheckpoint.js';
import { readPhases } from './reconcileReadPhases.js';
import { abandonRun, newRun, tooOld, withStaleSamples } from './reconcileRun.js';
import { findVanished } from './reconcileVanished.js';
import { dropChunks } from './seenChunks.js';

export interface ReconcileDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  /** The recorded state the vanished phase walks (newest snapshot + records since). */
  snapshots: SnapshotStore;
  checkpoints: CheckpointStore;
  clock: Clock;
}

export interface ReconcilePoolOptions {
  /** Asked between pages: true ends this invocation after a checkpoint (a Lambda near its timeout). */
  shouldStop?: () => boolean;
  /** Users worked on at once within a page (head reads and appends). @default 8 */
  concurrency?: number;
  /**
   * A run started longer ago than this is closed as abandoned and a new one starts: a run that keeps
   * failing on one page must not hold the pool's reconciles forever. @default 48 hours
   */
  maxRunAgeMs?: number;
  /**
   * A change Cognito dates within this long before the read is left to capture: its CloudTrail event
   * may still be on its way (about 5 minutes in AWS), and it will record the change with its cause.
   * Past it, what no event explained is drift of unknown cause. The Lambda handler passes its
   * setting (15 minutes by default); 0 records every difference at once. @default 0
   */
  graceMs?: number;
}

export interface ReconcileResult {
  poolId: string;
  runId: string;
  /** When the run began (the first invocation). */
  startedAt: string;
  /** False: stopped at a checkpoint; the next invocation continues the run. */
  done: boolean;
  /** This invocation continued a run an earlier one started. */
  resumed: boolean;
  /** ListUsers pages read by the whole run so far. */
  pages: number;
  /** Counts of the whole run so far: each drift is counted once, however many invocations it took. */
  counts: ReconcileCounts;
  /** The first few entities whose read was older than the log (kept as recorded). */
  staleSamples: string[];
  /** Why this invocation stopped early: another invocation holds the run. */
  superseded?: string;
}

/**
 * A reconcile: a full read of the pool by list operations (ListUsers pages, ListUsersInGroup per
 * group; never one admin call per user, which spends per-user budgets and adds to the bill), diffed
 * page by page against the chain heads, writing drift as `source: reconcile` records through the
 * never-regress rule, then deletes for what the log holds and Cognito no longer does.
 *
 * Resumable: after every page the position (the ListUsers token) and the hashes of what the page
 * held go to the checkpoint store, so a run too large for one invocation continues in the next,
 * neither starting over nor counting twice (a page re-read after a crash finds its drift already
 * recorded: `unchanged`). Memory holds a page, the group memberships, and 8 bytes per entity seen.
 *
 * Users' MFA settings are not read (that would be AdminGetUser per user): they come from capture,
 * and a reconcile keeps the recorded ones.
 */
export async function reconcilePool(
  deps: ReconcileDeps,
  poolId: string,
  options: ReconcilePoolOptions = {},
): Promise<ReconcileResult> {
  const shouldStop = options.shouldStop ?? (() => false);
  let stored = await readReconcileState(deps.checkpoints, poolId);
  const resumed = stored.state.run !== undefined && !tooOld(stored.state.run, deps.clock, options);
  const abandoned = stored.state.run !== undefined && tooOld(stored.state.run, deps.clock, options);
  if (abandoned) stored = await abandonRun(deps, poolId, stored);
  let run: ReconcileRun = stored.state.run
    ? { ...stored.state.run, invocations: stored.state.run.invocations + 1 }
    : newRun(deps.clock);
  const save = async (next: ReconcileRun) => {
    stored = await updateReconcileState(deps.checkpoints, poolId, stored, (state) => ({
      ...state,
      run: next,
    }));
    run = next;
  };
  const result = (done: boolean, superseded?: string): ReconcileResult => ({
    poolId,
    runId: run.runId,
    startedAt: run.startedAt,
    done,
    resumed,
    pages: run.pages,
    counts: run.counts,
    staleSamples: run.staleSamples,
    ...(superseded === undefined ? {} : { superseded }),
  });
  try {
    await save(run);
    if (run.phase !== 'vanished') run = await readPhases(deps, poolId, run, { ...options, shouldStop, save });
    if (shouldStop()) return result(false);
    const { counts, staleSamples } = await findVanished(deps, poolId, run);
    const finishedAt = deps.clock.now().toISOString();
    stored = await updateReconcileState(
      deps.checkpoints,
      poolId,
      stored,
      ({ run: _done, requested, ...rest }) => ({
        ...rest,
        // Asked for while this run read the pool: what prompted it may be after the pages read.
        ...(requested !== undefined && requested.at > run.startedAt ? { requested } : {}),
        lastRun: { runId: run.runId, startedAt: run.startedAt, finishedAt, counts },
      }),
    );
    run = { ...run, counts, staleSamples: withStaleSamples(run.staleSamples, staleSamples) };
    await dropChunks(deps.checkpoints, poolId, run);
    return result(true);
  } catch (error) {
    if (error instanceof CheckpointConflictError) return result(false, error.message);
    throw error;
  }
}

export type { StoredReconcileState };
