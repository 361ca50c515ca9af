import { type ChangeLog, canWatchDamage } from '@cognito-rewind/core';

/**
 * What the stack says of its store's damage after each snapshot and archive run: a line per pool
 * whose journal shows damage not yet reported — once when first found, again only when more is found,
 * never every minute. Each check reads only what was appended since the last (`damageSoFar`); a store
 * that cannot watch itself (the AWS adapters, whose reads refuse a damaged item) says nothing here.
 */
export function watchDamage(changeLog: ChangeLog, pools: () => Promise<string[]>): () => Promise<string[]> {
  const reported = new Map<string, number>();
  return async () => {
    if (!canWatchDamage(changeLog)) return [];
    const lines: string[] = [];
    for (const poolId of await pools()) {
      const { lines: count, first } = await changeLog.damageSoFar(poolId);
      const line = first[0];
      if (count <= (reported.get(poolId) ?? 0) || line === undefined) continue;
      reported.set(poolId, count);
      lines.push(
        `the store is damaged: ${count} damaged journal line(s) of ${poolId} (first at byte ${line.offset}${
          line.entity === undefined ? '' : `, ${line.entity}`
        }) — run \`restore-cli verify --pool ${poolId}\``,
      );
    }
    return lines;
  };
}
