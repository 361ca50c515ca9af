import { toArray } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { EntityKey } from '../model/entityKey.js';
import type { ChangeLog } from '../ports.js';
import { type ChainHashes, packVersion } from './chainHashes.js';
import { collecting } from './collectProblems.js';
import { type ExistenceByEntity, existenceOf } from './missingEntities.js';
import type { VerifyReport } from './verifyPool.js';

/**
 * First records whose patch only makes sense against a base the log does not hold: an entity a full
 * read found and recorded no baseline for (version 0 in a snapshot), whose first change was diffed
 * against that snapshot's document. Checked against the snapshot entry instead.
 */
export type Unbased = Map<EntityKey, ChangeRecord>;

export const PATCH_PROBLEM = 'patch does not produce the after-image';

/**
 * Every entity's chain, as the timeline lists them: continuous, each hash its body's, each patch leading
 * to its after-image. Answers what the later checks need of it, packed small (`ChainHashes`).
 */
export async function verifyChains(
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
