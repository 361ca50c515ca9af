import { toArray } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { verifyChain } from '../changes/verifyChain.js';
import { isRewindError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import type { EntityEntry } from '../model/poolState.js';
import type { ChangeLog } from '../ports.js';
import type { SegmentChangeLog } from '../segments/segmentChangeLog.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';

export interface VerifyDeps {
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  /** The bucket's delta segments, checked record by record against `changeLog` (omit when they are it). */
  segments?: SegmentChangeLog;
}

export interface VerifyProblem {
  /** What is broken: a snapshot object, an entity's chain, a segment. */
  where: string;
  problem: string;
}

export interface VerifyReport {
  poolId: string;
  snapshots: number;
  snapshotEntries: number;
  entities: number;
  records: number;
  segments: number;
  segmentRecords: number;
  problems: VerifyProblem[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Everything a pool's backup promises, checked end to end: every snapshot's bytes against its
 * manifest's sha256; every entity's chain continuous, each hash its body's, each patch leading to its
 * after-image; each snapshot entry's (version, hash) matching the log; every archived segment record
 * matching the log's. Problems are collected, not thrown: the report says everything that is wrong.
 * Reads stored damage only — a fault of the store itself (unreachable) still throws.
 */
export async function verifyPool(deps: VerifyDeps, poolId: string): Promise<VerifyReport> {
  const report: VerifyReport = {
    poolId,
    snapshots: 0,
    snapshotEntries: 0,
    entities: 0,
    records: 0,
    segments: 0,
    segmentRecords: 0,
    problems: [],
  };
  const { hashes, unbased } = await verifyChains(deps.changeLog, poolId, report);
  await verifySnapshots(deps.snapshots, poolId, hashes, unbased, report);
  for (const record of unbased.values())
    report.problems.push({
      where: `${record.entity} version 1`,
      problem: 'patch does not produce the after-image',
    });
  if (deps.segments !== undefined) await verifySegments(deps.segments, poolId, hashes, report);
  return report;
}

/** Each entity's record hashes by version (index version − 1), once its chain has been checked. */
type ChainHashes = Map<EntityKey, string[]>;

/**
 * First records whose patch only makes sense against a base the log does not hold: an entity a full
 * read found and recorded no baseline for (version 0 in a snapshot), whose first change was diffed
 * against that snapshot's document. Checked against the snapshot entry instead.
 */
type Unbased = Map<EntityKey, ChangeRecord>;

const PATCH_PROBLEM = 'patch does not produce the after-image';

/** Collects stored damage as a problem; anything else (the store unreachable) still throws. */
async function collecting<T>(
  report: VerifyReport,
  where: string,
  fallback: T,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isRewindError(error)) throw error;
    report.problems.push({ where, problem: message(error) });
    return fallback;
  }
}

async function verifyChains(
  changeLog: ChangeLog,
  poolId: string,
  report: VerifyReport,
): Promise<{ hashes: ChainHashes; unbased: Unbased }> {
  const unbased: Unbased = new Map();
  const hashes: ChainHashes = new Map();
  const entities = new Set<EntityKey>();
  const inTimeline = await collecting(report, `the timeline of ${poolId}`, 0, async () => {
    let count = 0;
    for await (const record of changeLog.timeline(poolId)) {
      entities.add(record.entity);
      count += 1;
    }
    return count;
  });
  for (const entity of [...entities].sort()) {
    const history = await collecting(report, entity, [], () =>
      toArray(changeLog.entityHistory(poolId, entity)),
    );
    for (const { version, problem } of verifyChain(history)) {
      const first = history[0];
      if (version === 1 && problem === PATCH_PROBLEM && first?.prevHash === null) unbased.set(entity, first);
      else report.problems.push({ where: `${entity} version ${version}`, problem });
    }
    hashes.set(
      entity,
      history.map((record) => record.hash),
    );
    report.records += history.length;
  }
  report.entities = entities.size;
  if (report.records !== inTimeline && report.problems.length === 0)
    report.problems.push({
      where: `the timeline of ${poolId}`,
      problem: `it lists ${inTimeline} records, the entities' histories hold ${report.records}`,
    });
  return { hashes, unbased };
}

async function verifySnapshots(
  snapshots: SnapshotStore,
  poolId: string,
  hashes: ChainHashes,
  unbased: Unbased,
  report: VerifyReport,
): Promise<void> {
  const { manifests, unreadable } = await snapshots.survey(poolId);
  for (const error of unreadable)
    report.problems.push({ where: 'a snapshot manifest', problem: error.message });
  for (const manifest of manifests) {
    report.snapshots += 1;
    await collecting(report, manifest.object, undefined, async () => {
      // `open` hashes the whole object against the manifest before it yields an entry.
      for await (const entry of (await snapshots.open(manifest)).entries) {
        report.snapshotEntries += 1;
        checkEntry(manifest.object, entry, hashes, unbased, report);
      }
    });
  }
}

/** One snapshot entry against the log: its (version, hash), or for version 0 a first record's base. */
function checkEntry(
  object: string,
  entry: EntityEntry,
  hashes: ChainHashes,
  unbased: Unbased,
  report: VerifyReport,
): void {
  if (entry.version === 0) {
    const first = unbased.get(entry.key);
    if (first !== undefined && verifyChain([first], { ...entry, hash: null }).length === 0)
      unbased.delete(entry.key);
    return;
  }
  const logged = hashes.get(entry.key)?.[entry.version - 1];
  if (logged === entry.hash) return;
  report.problems.push({
    where: `${object} entry ${entry.key}`,
    problem:
      logged === undefined
        ? `the log has no version ${entry.version} of ${entry.key}`
        : `version ${entry.version} has hash ${String(entry.hash).slice(0, 12)}…, the log's is ${logged.slice(0, 12)}…`,
  });
}

async function verifySegments(
  segments: SegmentChangeLog,
  poolId: string,
  hashes: ChainHashes,
  report: VerifyReport,
): Promise<void> {
  for (const key of await segments.segments(poolId)) {
    report.segments += 1;
    try {
      for (const record of await segments.read(key)) {
        report.segmentRecords += 1;
        const logged = hashes.get(record.entity)?.[record.version - 1];
        if (logged !== record.hash)
          report.problems.push({
            where: `${key} record ${record.id}`,
            problem:
              logged === undefined
                ? `the log has no version ${record.version} of ${record.entity}`
                : `${record.entity} version ${record.version} differs from the log's`,
          });
      }
    } catch (error) {
      if (!isRewindError(error)) throw error;
      report.problems.push({ where: key, problem: message(error) });
    }
  }
}
