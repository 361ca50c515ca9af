import {
  type ChangeLog,
  type Clock,
  type CognitoReader,
  compactIfChanged,
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
      /** Nothing appended to the change log folds into the newest snapshot: none is written. */
      outcome: 'unchanged';
      /** The newest snapshot, still the pool's state. */
      snapshotId: string;
      at: string;
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
 * when a snapshot is damaged, and saying so), nothing when no record was appended since it, or the
 * first full read of a pool that has none.
 * Per-user MFA reads are skipped: they spend per-user request budgets on every user of the pool,
 * and MFA preferences reach the log through capture instead.
 */
export async function snapshotPool(deps: SnapshotPoolDeps, poolId: string): Promise<PoolSnapshot> {
  const { manifests, unreadable } = await deps.snapshots.survey(poolId);
  const warnings = unreadable.map((error) => `${error.message}; that snapshot was skipped`);
  const now = deps.clock.now();
  const at = now.toISOString();
  // A snapshot dated after now (a forged one, or a writer's clock ahead) can be no base for a
  // compaction at now, and must not pass for the pool being up to date: it is left out, and named.
  const past = manifests.filter((manifest) => {
    if (Date.parse(manifest.at) <= now.getTime()) return true;
    warnings.push(
      `snapshot ${manifest.object} is dated ${manifest.at}, after now (${at}); not used as the base`,
    );
    return false;
  });
  for (const base of past.toReversed().slice(0, BASES_TRIED)) {
    try {
      const made = await compactIfChanged(deps, base, at, { clock: deps.clock });
      if (made === undefined)
        return { poolId, outcome: 'unchanged', snapshotId: base.snapshotId, at: base.at, warnings };
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
