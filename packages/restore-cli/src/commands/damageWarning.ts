import { canWatchDamage, type JsonObject, type Store, type VerifyReport } from '@cognito-rewind/core';

/** Where verify leaves what it found last, for every later command to warn of. */
export const lastVerifyName = (poolId: string) => `verify/${poolId}`;

/** Problems named in the checkpoint: enough to say where to look, never the whole report. */
const NAMED = 3;

/** Remembers a verify's outcome in the store (nowhere, for the bucket alone: it is read-only). */
export async function rememberVerify(store: Store, report: VerifyReport, at: string): Promise<void> {
  if (store.checkpoints === undefined) return;
  const name = lastVerifyName(report.poolId);
  const current = await store.checkpoints.get(name);
  const value: JsonObject = {
    at,
    problems: report.problems.length,
    first: report.problems.slice(0, NAMED).map((problem) => problem.where),
  };
  await store.checkpoints.put(name, value, current?.revision);
}

/**
 * One line saying the store is damaged, or undefined: the directory journal's damage known so far (a
 * scan of what was appended since the last one, see `damageSoFar`), else what the last verify found.
 * For `state` and `restore`, whose own reads may never touch the damaged part.
 */
export async function storeDamageWarning(store: Store, poolId: string): Promise<string | undefined> {
  const run = `run \`restore-cli verify --pool ${poolId}\``;
  if (canWatchDamage(store.changeLog)) {
    const { lines, first } = await store.changeLog.damageSoFar(poolId);
    const line = first[0];
    if (lines > 0 && line !== undefined)
      return `the store is damaged: ${lines} damaged journal line(s) (first at byte ${line.offset}${
        line.entity === undefined ? '' : `, ${line.entity}`
      }) — ${run}`;
  }
  const last = (await store.checkpoints?.get(lastVerifyName(poolId)))?.value;
  const problems = typeof last?.problems === 'number' ? last.problems : 0;
  if (problems === 0) return undefined;
  const named = Array.isArray(last?.first) ? last.first.filter((w) => typeof w === 'string') : [];
  return `the store is damaged: the last verify (${String(last?.at)}) found ${problems} problem(s)${
    named.length === 0 ? '' : ` (first: ${named[0]})`
  } — ${run}`;
}
