import type { Context } from 'aws-lambda';
import { HandlerConfigError } from '../errors.js';
import {
  createReconcileHandler,
  type ReconcileHandler,
  type ReconcileRunResult,
} from '../reconcile/createReconcileHandler.js';
import { envDeps } from './envDeps.js';

let reconcile: ReconcileHandler | undefined;

/** `REWIND_RECONCILE_EVERY_HOURS` (default 24) in ms: how often each pool gets a full read. */
export function reconcileEvery(env: NodeJS.ProcessEnv): number {
  const raw = env.REWIND_RECONCILE_EVERY_HOURS;
  if (raw === undefined || raw === '') return 24 * 3_600_000;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours <= 0)
    throw new HandlerConfigError(
      'REWIND_RECONCILE_EVERY_HOURS',
      `is ${JSON.stringify(raw)}, not a positive number of hours`,
    );
  return hours * 3_600_000;
}

/** `REWIND_RECONCILE_GRACE_MINUTES` (default 15) in ms: how long a change is left to its event. */
export function reconcileGrace(env: NodeJS.ProcessEnv): number {
  const raw = env.REWIND_RECONCILE_GRACE_MINUTES;
  if (raw === undefined || raw === '') return 15 * 60_000;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new HandlerConfigError(
      'REWIND_RECONCILE_GRACE_MINUTES',
      `is ${JSON.stringify(raw)}, not a number of minutes (0 or more)`,
    );
  return minutes * 60_000;
}

/**
 * Entry point of the reconcile function: an EventBridge schedule every few minutes (each pool runs
 * when due: daily, asked for, or under way), or an on-demand `{"reconcile": ["<poolId>"]}`.
 */
export const handler = async (event: unknown, context: Context): Promise<ReconcileRunResult> => {
  reconcile ??= createReconcileHandler({
    ...envDeps(),
    every: reconcileEvery(process.env),
    graceMs: reconcileGrace(process.env),
  });
  return reconcile(event, context);
};
