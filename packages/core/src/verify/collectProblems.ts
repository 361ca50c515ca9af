import { isRewindError } from '../errors.js';
import type { VerifyReport } from './verifyPool.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Collects stored damage as a problem; anything else (the store unreachable) still throws. */
export async function collecting<T>(
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
