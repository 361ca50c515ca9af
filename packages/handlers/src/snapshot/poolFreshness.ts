import {
  type ChangeLog,
  type Clock,
  LOG_ORIGIN,
  SnapshotCorruptError,
  type SnapshotManifest,
  type SnapshotStore,
} from '@cognito-rewind/core';
import { decodeTime } from 'ulid';

export interface FreshnessDeps {
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  /** The store's clock (the services' time in AWS): the times compared were stamped by it. */
  clock: Clock;
}

/** How recent one pool's backup is, as of `now`: what its recovery point depends on. */
export interface PoolFreshness {
  poolId: string;
  now: string;
  /** The `at` of the pool's newest snapshot the store vouches for; absent: the pool has none. */
  snapshotAt?: string;
  /** When the pool's newest change record was recorded (its `observedAt`); absent: the log has none. */
  lastChangeAt?: string;
}

/**
 * The newest snapshot at or before `now` whose manifest the catalog vouches for (any manifest, in a
 * store without a catalog). Reads a listing of the last days and the newest manifest or two, not the
 * pool's whole history; unreadable or unvouched manifests are passed over, as a restore would.
 */
async function newestVouched(
  snapshots: SnapshotStore,
  poolId: string,
  now: Date,
): Promise<SnapshotManifest | undefined> {
  for await (const found of snapshots.newestAtOrBefore(poolId, now.getTime())) {
    if (found instanceof SnapshotCorruptError) continue;
    try {
      await snapshots.vouch(found);
      return found;
    } catch (error) {
      if (!(error instanceof SnapshotCorruptError)) throw error;
    }
  }
  return undefined;
}

/**
 * When the pool's newest change record was recorded, in ms. The port has no "newest record" read, and
 * needs none: the snapshot names the newest record folded into it (`lastChangeId`, a ULID of that
 * record's `observedAt`), and every record recorded since is among those `appendedSince` returns from
 * the snapshot's log position — the same short read (records of the last hour or so, on the appended
 * index) a compaction makes. A pool with no snapshot has its whole log read, which is then what
 * capture recorded since the pool was added.
 */
async function lastRecordedAt(
  changeLog: ChangeLog,
  poolId: string,
  snapshot: SnapshotManifest | undefined,
): Promise<number | undefined> {
  let newest = snapshot?.lastChangeId ? decodeTime(snapshot.lastChangeId) : undefined;
  for await (const record of changeLog.appendedSince(poolId, snapshot?.logPosition ?? LOG_ORIGIN)) {
    const recorded = Date.parse(record.observedAt);
    if (newest === undefined || recorded > newest) newest = recorded;
  }
  return newest;
}

/** The pool's newest vouched snapshot and newest change record, as of the store's clock now. */
export async function poolFreshness(deps: FreshnessDeps, poolId: string): Promise<PoolFreshness> {
  const now = deps.clock.now();
  const snapshot = await newestVouched(deps.snapshots, poolId, now);
  const lastChange = await lastRecordedAt(deps.changeLog, poolId, snapshot);
  return {
    poolId,
    now: now.toISOString(),
    ...(snapshot === undefined ? {} : { snapshotAt: snapshot.at }),
    ...(lastChange === undefined ? {} : { lastChangeAt: new Date(lastChange).toISOString() }),
  };
}

/** Seconds from `then` to `now`; never below zero (a record stamped while the ages were read). */
export const ageSeconds = (now: string, then: string): number =>
  Math.max(0, Date.parse(now) - Date.parse(then)) / 1000;
