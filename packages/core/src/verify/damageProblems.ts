import type { ChangeLog } from '../ports.js';
import { canSurveyDamage } from './storeDamage.js';
import type { VerifyProblem, VerifyReport } from './verifyPool.js';

/** Reports each damaged line once; answers the entities they break. */
export async function surveyDamage(
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
export function followsFrom(problem: VerifyProblem, poolId: string, broken: ReadonlySet<string>): boolean {
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
