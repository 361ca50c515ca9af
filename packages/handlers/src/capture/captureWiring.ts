import {
  type ChangeLog,
  type CheckpointStore,
  type Clock,
  poolOfClientFromLog,
  requestReconcile,
} from '@cognito-rewind/core';
import { HandlerConfigError } from '../errors.js';
import type { CaptureHandlerDeps } from './createCaptureHandler.js';

/**
 * `onForReconcile` as a reconcile request in the checkpoint store: what capture could not re-read
 * alone (a deleted group's members, every UI customization, a whole pool) is read by the next
 * reconcile, which the reconcile handler starts at its next check instead of waiting a day. An event
 * whose pool is unknown asks nothing: no watched pool holds its client.
 */
export function reconcileRequester(
  checkpoints: CheckpointStore,
  clock: Clock,
): NonNullable<CaptureHandlerDeps['onForReconcile']> {
  return async (poolId, reasons) => {
    if (poolId !== undefined) await requestReconcile(checkpoints, poolId, reasons.join('; '), clock);
  };
}

/** The wiring capture needs beyond its ports: reconcile requests, and the pool of a client. */
export function captureWiring(deps: {
  changeLog: ChangeLog;
  checkpoints: CheckpointStore;
  clock: Clock;
  pools: () => Promise<string[]>;
}): Pick<CaptureHandlerDeps, 'onForReconcile' | 'poolOfClient'> {
  // Without a pool list (REWIND_POOL_IDS unset on the capture function) no pool is watched: a public
  // call that names only its client goes to reconcile instead of failing on every delivery.
  const watched = async () => {
    try {
      return await deps.pools();
    } catch (error) {
      if (error instanceof HandlerConfigError) return [];
      throw error;
    }
  };
  return {
    onForReconcile: reconcileRequester(deps.checkpoints, deps.clock),
    poolOfClient: poolOfClientFromLog(deps.changeLog, watched),
  };
}
