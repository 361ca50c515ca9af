import { CheckpointConflictError } from '../errors.js';
import type { CheckpointStore, Clock } from '../ports.js';
import { readReconcileState, writeReconcileState } from './reconcileCheckpoint.js';

/**
 * Whether a reconcile of the pool should run now: one is under way (continue it), one was asked for
 * since the last finished, the last finished `every` ago or more, or none ever ran. A scheduler asks
 * this every few minutes; the daily rhythm and the requests live in the checkpoint, not the scheduler.
 */
export async function reconcileDue(
  checkpoints: CheckpointStore,
  poolId: string,
  { every, clock }: { every: number; clock: Clock },
): Promise<boolean> {
  const { state } = await readReconcileState(checkpoints, poolId);
  if (state.run !== undefined || state.lastRun === undefined) return true;
  if (state.requested !== undefined && state.requested.at > state.lastRun.startedAt) return true;
  return clock.now().getTime() - Date.parse(state.lastRun.startedAt) >= every;
}

/** Asks for a reconcile of the pool at its next scheduled check (capture could not re-read something). */
export async function requestReconcile(
  checkpoints: CheckpointStore,
  poolId: string,
  reason: string,
  clock: Clock,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const stored = await readReconcileState(checkpoints, poolId);
    const state = { ...stored.state, requested: { at: clock.now().toISOString(), reason } };
    try {
      await writeReconcileState(checkpoints, poolId, { state, revision: stored.revision });
      return;
    } catch (error) {
      // A reconcile moved its checkpoint meanwhile: read it again and ask again.
      if (!(error instanceof CheckpointConflictError) || attempt >= 5) throw error;
    }
  }
}
