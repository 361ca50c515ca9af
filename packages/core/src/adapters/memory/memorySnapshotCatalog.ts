import type { SnapshotManifest } from '../../model/snapshotFormat.js';
import type { SnapshotCatalog } from '../../ports.js';

/** The snapshot catalog in memory (a table's stand-in in unit specs), stored as JSON text. */
export class MemorySnapshotCatalog implements SnapshotCatalog {
  /** `<poolId>` → `<at ms, padded>#<snapshotId>` → manifest JSON. */
  readonly items = new Map<string, Map<string, string>>();

  async record(manifest: SnapshotManifest): Promise<void> {
    const pool = this.items.get(manifest.poolId) ?? new Map<string, string>();
    pool.set(sortKey(manifest.at, manifest.snapshotId), JSON.stringify(manifest));
    this.items.set(manifest.poolId, pool);
  }

  async recorded(poolId: string, at: string, snapshotId: string): Promise<SnapshotManifest | undefined> {
    const json = this.items.get(poolId)?.get(sortKey(at, snapshotId));
    return json === undefined ? undefined : (JSON.parse(json) as SnapshotManifest);
  }

  async *list(poolId: string): AsyncGenerator<SnapshotManifest> {
    const pool = this.items.get(poolId) ?? new Map<string, string>();
    for (const key of [...pool.keys()].sort()) yield JSON.parse(pool.get(key) ?? 'null') as SnapshotManifest;
  }
}

const sortKey = (at: string, snapshotId: string): string =>
  `${String(Date.parse(at)).padStart(16, '0')}#${snapshotId}`;
