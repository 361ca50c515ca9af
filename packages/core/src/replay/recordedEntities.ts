import { toArray } from '../asyncIterables.js';
import { InvalidInputError, SnapshotCorruptError, SnapshotMissingError } from '../errors.js';
import type { EntityEntry } from '../model/poolState.js';
import { replayEntities } from './replayEntities.js';
import { type StateAtDeps, stateAt } from './stateAt.js';

/**
 * The pool's entities as recorded at `at`, streamed: the newest usable snapshot plus the records
 * since, or — for a pool with no usable snapshot yet — the change log alone, replayed from its start
 * (every entity has a baseline record, so the log alone is complete; only slower).
 */
export async function recordedEntities(
  deps: StateAtDeps,
  poolId: string,
  at: string,
): Promise<AsyncIterable<EntityEntry>> {
  try {
    return (await stateAt(deps, poolId, at)).entities;
  } catch (error) {
    const noSnapshot =
      error instanceof InvalidInputError ||
      error instanceof SnapshotCorruptError ||
      error instanceof SnapshotMissingError;
    if (!noSnapshot) throw error;
  }
  const records = await toArray(deps.changeLog.timeline(poolId, { upTo: at }));
  return replayEntities([], records, at, {
    history: (entity) => deps.changeLog.entityHistory(poolId, entity),
  });
}
