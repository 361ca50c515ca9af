import {
  type ChangeLog,
  type Clock,
  type CognitoReader,
  compactFromLog,
  SnapshotCorruptError,
  SnapshotMissingError,
  type SnapshotStore,
  takeBackup,
} from '@cognito-rewind/core';

export interface SnapshotPoolDeps {
  reader: CognitoReader;
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  clock: Clock;
}

/** What the snapshot run did for one pool (failures: `PoolFailure`). */
export type PoolSnapshot =
  | {
      poolId: string;
      /** The newest usable snapshot plus the change log, folded: no Cognito call. */
      outcome: 'compacted';
      snapshotId: string;
      at: string;
      /** The snapshot it was compacted from. */
      base: string;
      warnings: string[];
    }
  | {
      poolId: string;
      /** No usable snapshot yet: one full read with list operations, baselines for every entity. */
      outcome: 'firstRead';
      snapshotId: string;
      at: string;
      /** Change records the read appended. */
      records: number;
      warnings: string[];
    };

/**
 * Older snapshots tried as the base when the newest cannot be read: past a few damaged ones in a row
 * something else is wrong, and a full read makes a fresh base instead of hashing the whole history.
 */
const BASES_TRIED = 3;

const isUnusable = (error: unknown) =>
  error instanceof SnapshotCorruptError || error instanceof SnapshotMissingError;

/**
 * The hourly snapshot of one pool: compaction of its newest snapshot (falling back to the one before
 * when a snapshot is damaged, and saying so), or the first full read of a pool that has none.
 * Per-user MFA reads are skipped: they spend per-user request budgets on every user of the pool,
 * and MFA preferences reach the log through capture instead.
 */
export async function snapshotPool(deps: SnapshotPoolDeps, poolId: string): Promise<PoolSnapshot> {
  const { manifests, unreadable } = await deps.snapshots.survey(poolId);
  const warnings = unreadable.map((error) => `${error.message}; that snapshot was skipped`);
  const at = deps.clock.now().toISOString();
  for (const base of manifests.toReversed().slice(0, BASES_TRIED)) {
    try {
      const made = await compactFromLog(deps, base, at, { clock: deps.clock });
      return {
        poolId,
        outcome: 'compacted',
        snapshotId: made.snapshotId,
        at: made.at,
        base: base.snapshotId,
        warnings,
      };
    } catch (error) {
      if (!isUnusable(error)) throw error;
      warnings.push(`${(error as Error).message}; not used as the base`);
    }
  }
  const backup = await takeBackup(deps, poolId, undefined, { userMfa: false });
  return {
    poolId,
    outcome: 'firstRead',
    snapshotId: backup.manifest.snapshotId,
    at: backup.manifest.at,
    records: backup.changes,
    warnings: [...warnings, ...backup.warnings],
  };
}
