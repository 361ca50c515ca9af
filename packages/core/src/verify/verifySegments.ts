import type { SegmentChangeLog } from '../segments/segmentChangeLog.js';
import { type ChainHashes, sameHash } from './chainHashes.js';
import { collecting } from './collectProblems.js';
import type { VerifyReport } from './verifyPool.js';

/** Every archived segment record against the log's version of it. */
export async function verifySegments(
  segments: SegmentChangeLog,
  poolId: string,
  hashes: ChainHashes,
  report: VerifyReport,
): Promise<void> {
  for (const key of await segments.segments(poolId)) {
    report.segments += 1;
    await collecting(report, key, undefined, async () => {
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
    });
  }
}
