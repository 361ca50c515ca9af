import type { Logger } from '@aws-lambda-powertools/logger';
import { redactedError, redactedReason } from './redact.js';

/** A pool whose run threw: the others still ran. */
export interface PoolFailure {
  poolId: string;
  outcome: 'failed';
  /** The error's message, e.g. `user pool eu-west-1_X does not exist`, with users and emails redacted. */
  reason: string;
  /** The error's name (`PoolNotFoundError`, `CheckpointConflictError`, …), for alarms and searches. */
  error: string;
}

/**
 * Runs `job` for each pool in turn, one after the other so a scheduled run holds one pool's work in
 * memory at a time. A pool that throws becomes a `PoolFailure` (logged with its stack, redacted) and the next
 * pool still runs: one broken pool must not leave every other pool without snapshots or archives.
 */
export async function eachPool<R>(
  poolIds: readonly string[],
  logger: Logger,
  job: (poolId: string) => Promise<R>,
): Promise<(R | PoolFailure)[]> {
  const results: (R | PoolFailure)[] = [];
  for (const poolId of poolIds) {
    try {
      results.push(await job(poolId));
    } catch (error) {
      logger.error('pool failed; the other pools go on', { poolId, error: redactedError(error) });
      results.push({
        poolId,
        outcome: 'failed',
        reason: redactedReason(error),
        error: error instanceof Error ? error.name : 'Error',
      });
    }
  }
  return results;
}

/** How many results have each outcome, zeros included. */
export function countOutcomes<O extends string>(
  results: readonly { outcome: string }[],
  outcomes: readonly O[],
): Record<O, number> {
  const counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<O, number>;
  for (const { outcome } of results) if (outcome in counts) counts[outcome as O] += 1;
  return counts;
}
