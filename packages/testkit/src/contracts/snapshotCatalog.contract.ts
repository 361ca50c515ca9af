import type { SnapshotCatalog, SnapshotManifest } from '@cognito-rewind/core';
import { toArray } from '@cognito-rewind/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface SnapshotCatalogFixture {
  catalog: SnapshotCatalog;
  /** A second handle on the same storage (another process). */
  other: () => SnapshotCatalog;
  cleanup(): Promise<void>;
}

const POOL = 'us-east-1_Catalog';

const manifest = (
  at: string,
  snapshotId: string,
  extra: Partial<SnapshotManifest> = {},
): SnapshotManifest => ({
  format: 'cognito-rewind.manifest/1',
  poolId: POOL,
  snapshotId,
  at,
  createdAt: at,
  kind: 'compaction',
  lastChangeId: null,
  notCaptured: ['riskConfiguration'],
  base: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
  logPosition: '1234',
  sha256: 'a'.repeat(64),
  bytes: 120,
  entities: 3,
  counts: { pool: 1, user: 2 },
  object: `cognito-backup/${POOL}/snapshots/x/${snapshotId}.ndjson.gz`,
  ...extra,
});

/**
 * What every snapshot catalog guarantees: it gives back exactly the manifest recorded (what vouching
 * compares field by field), finds a snapshot only by its own pool, time and id, and lists in time order.
 */
export function snapshotCatalogContract(name: string, create: () => Promise<SnapshotCatalogFixture>): void {
  describe(`SnapshotCatalog contract: ${name}`, () => {
    let fixture: SnapshotCatalogFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('gives back exactly the manifest recorded, to another handle too', async () => {
      const made = manifest('2024-05-01T10:00:00.000Z', '01HX0000000000000000000001');
      await fixture.catalog.record(made);
      expect(await fixture.other().recorded(POOL, made.at, made.snapshotId)).toStrictEqual(made);
      const bare = manifest('2024-05-01T11:00:00.000Z', '01HX0000000000000000000002', { notCaptured: [] });
      delete bare.base;
      delete bare.logPosition;
      await fixture.catalog.record(bare);
      expect(await fixture.catalog.recorded(POOL, bare.at, bare.snapshotId)).toStrictEqual(bare);
    });

    it('knows nothing of a snapshot at another time, of another id or pool', async () => {
      const made = manifest('2024-05-01T10:00:00.000Z', '01HX0000000000000000000001');
      await fixture.catalog.record(made);
      expect(
        await fixture.catalog.recorded(POOL, '2024-05-01T10:00:00.001Z', made.snapshotId),
      ).toBeUndefined();
      expect(await fixture.catalog.recorded(POOL, made.at, '01HX0000000000000000000009')).toBeUndefined();
      expect(await fixture.catalog.recorded('us-east-1_Other', made.at, made.snapshotId)).toBeUndefined();
      expect(await fixture.catalog.recorded(POOL, 'not a time', made.snapshotId)).toBeUndefined();
    });

    it('lists a pool oldest first, every page', async () => {
      const made = [3, 1, 2, 5, 4].map((n) =>
        manifest(`2024-05-0${n}T00:00:00.000Z`, `01HX000000000000000000000${n}`),
      );
      for (const m of made) await fixture.catalog.record(m);
      expect((await toArray(fixture.catalog.list(POOL))).map((m) => m.snapshotId)).toEqual(
        [1, 2, 3, 4, 5].map((n) => `01HX000000000000000000000${n}`),
      );
      expect(await toArray(fixture.catalog.list('us-east-1_Other'))).toEqual([]);
    });
  });
}
