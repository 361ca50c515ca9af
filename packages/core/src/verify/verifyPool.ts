import { toArray } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { sha256Hex } from '../changes/hash.js';
import { verifyChain } from '../changes/verifyChain.js';
import { isRewindError, UnknownPoolError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import { canonicalStringify } from '../model/json.js';
import type { EntityEntry } from '../model/poolState.js';
import type { ChangeLog } from '../ports.js';
import type { SegmentChangeLog } from '../segments/segmentChangeLog.js';
import type { SnapshotManifest } from '../snapshots/format.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type ExistenceByEntity, existenceOf, missingEntities } from './missingEntities.js';
import { canSurveyDamage } from './storeDamage.js';

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
        problem: 'patch does not produce the after-image',
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

/** Reports each damaged line once; answers the entities they break. */
async function surveyDamage(
  changeLog: ChangeLog,
  poolId: string,
  report: VerifyReport,
): Promise<Set<string>> {
  const broken = new Set<string>();
  if (!canSurveyDamage(changeLog)) return broken;
  for (const line of await changeLog.damage(poolId)) {
    if (line.entity !== undefined) broken.add(line.entity);
    report.problems.push({
      where: `${line.where} at byte ${line.offset}`,
      problem: `${line.problem}; ${
        line.entity === undefined
          ? 'the line no longer says which entity it belonged to'
          : `the chain of ${line.entity} is broken from this record on`
      }`,
    });
  }
  return broken;
}

/** A problem that only repeats a damaged line's: its entity's chain, entries or segment records. */
function followsFrom(problem: VerifyProblem, poolId: string, broken: ReadonlySet<string>): boolean {
  if (problem.where === `the timeline of ${poolId}`) return true;
  for (const entity of broken)
    if (
      problem.where === entity ||
      problem.where.startsWith(`${entity} version `) ||
      problem.where.endsWith(` entry ${entity}`) ||
      problem.problem.endsWith(` of ${entity}`) ||
      problem.problem.startsWith(`${entity} version `)
    )
      return true;
  return false;
}

/**
 * What the log says of each entity's versions (index version − 1), once its chain has been checked,
 * packed small so that memory is a few dozen bytes a record, never the records: see `logged`.
 */
type ChainHashes = Map<EntityKey, string[]>;

/** The first 32 hex digits of a sha256: 128 bits, plenty to tell versions and documents apart. */
const HASH_CHARS = 32;

/**
 * One version as verify keeps it: its hash, a digest of its after-image, and the latest validFrom of
 * versions 1..v (base 36 ms). A snapshot taken at or after that time holds exactly this after-image;
 * one taken before holds a past the after-image no longer shows (a record that arrived late).
 */
const packVersion = (record: ChangeRecord, prefixValidFrom: number): string =>
  `${record.hash.slice(0, HASH_CHARS)}${docDigest(record.after)}${prefixValidFrom.toString(36)}`;

const docDigest = (doc: unknown): string => sha256Hex(canonicalStringify(doc ?? null)).slice(0, HASH_CHARS);

const unpackVersion = (packed: string) => ({
  hash: packed.slice(0, HASH_CHARS),
  doc: packed.slice(HASH_CHARS, 2 * HASH_CHARS),
  allValidBy: Number.parseInt(packed.slice(2 * HASH_CHARS), 36),
});

const sameHash = (packed: string | undefined, hash: string | null): boolean =>
  packed !== undefined && hash !== null && hash.slice(0, HASH_CHARS) === unpackVersion(packed).hash;

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
): Promise<{ hashes: ChainHashes; unbased: Unbased; existence: ExistenceByEntity }> {
  const existence: ExistenceByEntity = new Map();
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
    let validBy = Number.NEGATIVE_INFINITY;
    hashes.set(
      entity,
      history.map((record) => {
        validBy = Math.max(validBy, Date.parse(record.validFrom));
        return packVersion(record, validBy);
      }),
    );
    report.records += history.length;
    const events = existenceOf(history);
    if (events.length > 0) existence.set(entity, events);
  }
  report.entities = entities.size;
  if (report.records !== inTimeline && report.problems.length === 0)
    report.problems.push({
      where: `the timeline of ${poolId}`,
      problem: `it lists ${inTimeline} records, the entities' histories hold ${report.records}`,
    });
  return { hashes, unbased, existence };
}

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
async function verifySnapshots(
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
        if (!sameHash(logged, record.hash))
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
