import type { Context } from 'aws-lambda';
import {
  createReconcileHandler,
  type ReconcileHandler,
  type ReconcileRunResult,
} from '../reconcile/createReconcileHandler.js';
import { envDeps } from './envDeps.js';

let reconcile: ReconcileHandler | undefined;

/**
 * Entry point of the reconcile function: an EventBridge schedule every few minutes (each pool runs
 * when due: daily, asked for, or under way), or an on-demand `{"reconcile": ["<poolId>"]}`.
 */
export const handler = async (event: unknown, context: Context): Promise<ReconcileRunResult> => {
  if (reconcile === undefined) {
    const every = Number(process.env.REWIND_RECONCILE_EVERY_HOURS ?? 24) * 3_600_000;
    reconcile = createReconcileHandler({
      ...envDeps(),
      ...(Number.isFinite(every) && every > 0 ? { every } : {}),
    });
  }
  return reconcile(event, context);
};
