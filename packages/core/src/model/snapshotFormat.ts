import type { ComponentCounts } from './poolState.js';

export const SNAPSHOT_FORMAT = 'cognito-rewind.snapshot/1';
export const MANIFEST_FORMAT = 'cognito-rewind.manifest/1';

/** How the snapshot was made: a full read of the pool, or previous snapshot + change records. */
export type SnapshotKind = 'scan' | 'compaction';

/** First line of every snapshot. Entity lines follow, one per entity, in `compareKeys` order. */
export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  poolId: string;
  snapshotId: string;
  /** The instant whose state the snapshot holds. */
  at: string;
  createdAt: string;
  kind: SnapshotKind;
  /** The newest change record folded in, if any. */
  lastChangeId: string | null;
  /** The snapshot this one was compacted from. */
  base?: string;
  /**
   * The change log's position (`ChangeLog.position`) taken before the records folded in were read:
   * records appended since may be late for this snapshot. Absent in snapshots of older versions,
   * whose replays read the pool's whole timeline.
   */
  logPosition?: string;
  counts: ComponentCounts;
  notCaptured: string[];
}

/** What encoding measured; the manifest stores it beside the snapshot. */
export interface SnapshotDigest {
  sha256: string;
  bytes: number;
  entities: number;
  counts: ComponentCounts;
}

/** Stored beside each snapshot object; it is what verification checks the bytes against. */
export interface SnapshotManifest extends SnapshotDigest {
  format: typeof MANIFEST_FORMAT;
  poolId: string;
  snapshotId: string;
  at: string;
  createdAt: string;
  kind: SnapshotKind;
  lastChangeId: string | null;
  notCaptured: string[];
  /** The snapshot this one was compacted from (as in the header). */
  base?: string;
  /** As in the header. */
  logPosition?: string;
  /** Blob key of the snapshot object. */
  object: string;
}
