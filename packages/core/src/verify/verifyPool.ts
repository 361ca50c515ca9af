import { UnknownPoolError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import type { ChangeLog } from '../ports.js';
import type { SegmentChangeLog } from '../segments/segmentChangeLog.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import { followsFrom, surveyDamage } from './damageProblems.js';
import { PATCH_PROBLEM, verifyChains } from './verifyChains.js';
import { verifySegments } from './verifySegments.js';
import { verifySnapshots } from './verifySnapshots.js';

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
  // Damage found in the store's own files comes first, once per damaged line: what it breaks is then
  // not reported again by every later check that trips on it.
  const broken = await surveyDamage(deps.changeLog, poolId, report);
  const reported = report.problems.length;
  const { hashes, unbased, existence } = await verifyChains(deps.changeLog, poolId, report);
  const based = new Set<EntityKey>();
  const checks = { hashes, unbased, based, existence, changeLog: deps.changeLog };
  const known = await verifySnapshots(deps.snapshots, poolId, checks, report);
  for (const record of unbased.values())
    if (!based.has(record.entity))
      report.problems.push({
        where: `${record.entity} version 1`,
        problem: PATCH_PROBLEM,
      });
  if (deps.segments !== undefined) await verifySegments(deps.segments, poolId, hashes, report);
  if (reported > 0)
    report.problems = [
      ...report.problems.slice(0, reported),
      ...report.problems.slice(reported).filter((p) => !followsFrom(p, poolId, broken)),
    ];
  // Nothing at all under this pool's name: a typo, not a store that checks out.
  if (!known && report.records === 0 && report.segments === 0 && report.problems.length === 0)
    throw new UnknownPoolError(poolId);
  return report;
}
