import { verifyChain } from '../changes/verifyChain.js';
import type { EntityKey } from '../model/entityKey.js';
import type { EntityEntry } from '../model/poolState.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import type { ChangeLog } from '../ports.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type ChainHashes, docDigest, sameHash, unpackVersion } from './chainHashes.js';
import { collecting } from './collectProblems.js';
import { type ExistenceByEntity, missingEntities } from './missingEntities.js';
import type { Unbased } from './verifyChains.js';
import type { VerifyReport } from './verifyPool.js';

interface EntryChecks {
  hashes: ChainHashes;
  unbased: Unbased;
  /** Entities whose unbased first record a version-0 entry was found to start. */
  based: Set<EntityKey>;
}

interface SnapshotChecks extends EntryChecks {
  /** When each entity existed, by its chain: what every snapshot must hold. */
  existence: ExistenceByEntity;
  changeLog: ChangeLog;
}

/**
 * Every snapshot the bucket lists (the store's `open` refuses one its catalog does not vouch for), and
 * every snapshot the catalog records that the bucket no longer has. Whether the pool has any at all.
 */
export async function verifySnapshots(
  snapshots: SnapshotStore,
  poolId: string,
  checks: SnapshotChecks,
  report: VerifyReport,
): Promise<boolean> {
  const { manifests, unreadable } = await snapshots.survey(poolId);
  for (const error of unreadable)
    report.problems.push({ where: 'a snapshot manifest', problem: error.message });
  const listed = new Set<string>();
  for (const manifest of manifests) {
    report.snapshots += 1;
    listed.add(manifest.object);
    await collecting(report, manifest.object, undefined, async () => {
      // `open` checks the catalog, then hashes the whole object, before it yields an entry.
      const present = new Set<EntityKey>();
      for await (const entry of (await snapshots.open(manifest)).entries) {
        report.snapshotEntries += 1;
        present.add(entry.key);
        checkEntry(manifest, entry, checks, report);
      }
      for (const entity of await missingEntities(checks.changeLog, manifest, present, checks.existence))
        report.problems.push({
          where: manifest.object,
          problem: `${entity} is missing: its chain says it existed at ${manifest.at}`,
        });
    });
  }
  let catalogued = false;
  for await (const recorded of snapshots.catalogued(poolId)) {
    catalogued = true;
    if (!listed.has(recorded.object))
      report.problems.push({
        where: recorded.object,
        problem: `the table records snapshot ${recorded.snapshotId} at ${recorded.at}, the bucket has no manifest of it`,
      });
  }
  return catalogued || manifests.length > 0 || unreadable.length > 0;
}

/**
 * One snapshot entry against the log. Of a version: its hash, and its document, once every version up
 * to it was valid by the snapshot's time (before that, a late record's past is legitimately not its
 * after-image). Of version 0 (a full read's entity the log never recorded a baseline for): only the
 * log can vouch for it, by starting its chain from exactly that document; an entity with no record
 * at all, or whose chain starts from nothing, was never such a baseline.
 */
function checkEntry(
  manifest: SnapshotManifest,
  entry: EntityEntry,
  { hashes, unbased, based }: EntryChecks,
  report: VerifyReport,
): void {
  const where = `${manifest.object} entry ${entry.key}`;
  if (entry.version === 0) {
    const first = unbased.get(entry.key);
    if (first !== undefined && verifyChain([first], { ...entry, hash: null }).length === 0) {
      based.add(entry.key);
      return;
    }
    report.problems.push({
      where,
      problem:
        hashes.get(entry.key) === undefined
          ? `a version-0 entity no record of the log vouches for (the log has no record of ${entry.key})`
          : `version 0, but the log's chain of ${entry.key} does not start from this document`,
    });
    return;
  }
  const packed = hashes.get(entry.key)?.[entry.version - 1];
  if (packed === undefined) {
    report.problems.push({ where, problem: `the log has no version ${entry.version} of ${entry.key}` });
    return;
  }
  const logged = unpackVersion(packed);
  if (!sameHash(packed, entry.hash)) {
    report.problems.push({
      where,
      problem: `version ${entry.version} has hash ${String(entry.hash).slice(0, 12)}…, the log's is ${logged.hash.slice(0, 12)}…`,
    });
    return;
  }
  if (logged.allValidBy <= Date.parse(manifest.at) && docDigest(entry.doc) !== logged.doc)
    report.problems.push({
      where,
      problem: `its document is not version ${entry.version}'s after-image in the log`,
    });
}
