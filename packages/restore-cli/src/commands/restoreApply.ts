import { isAbsolute, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ApplyDeps,
  applyPlan,
  buildRestoreReport,
  type ChangeRecord,
  type JournalSummary,
  type PreparedRestore,
  RateLimiter,
  type RestoreReport,
  type Store,
} from '@cognito-rewind/core';
import type { CommandContext } from '../io/commandContext.js';
import { renderReport } from '../io/planView.js';
import { writeReportFiles } from '../io/reportFiles.js';
import type { ParsedRestoreOptions, RestoreOptions } from './restoreOptions.js';

/** Applies the plan at Cognito's pace with a progress bar, then writes and prints the report. */
export async function applyAndReport(
  prepared: PreparedRestore,
  previous: JournalSummary,
  io: Pick<ApplyDeps, 'writer' | 'reader' | 'journal' | 'changeLog' | 'cause'>,
  raw: RestoreOptions,
  options: ParsedRestoreOptions,
  ctx: CommandContext,
): Promise<RestoreReport> {
  const { plan } = prepared;
  const limiter = new RateLimiter({
    rates: options.rates,
    now: () => performance.now(),
    sleep: (ms) => sleep(ms),
  });
  const bar = ctx.io.progress('restore');
  const deps: ApplyDeps = {
    ...io,
    limiter,
    clock: ctx.clock,
    sleep: (ms) => sleep(ms),
    concurrency: options.concurrency,
    onProgress: (done, total) => bar.update(done, total),
  };
  const context = { target: prepared.target, userMfa: prepared.userMfa, previous };
  const result = await applyPlan(plan, deps, context).finally(() => bar.stop());
  const report = buildRestoreReport(plan, result, limiter, previous);
  const files = await writeReportFiles(resolve(ctx.cwd, raw.report ?? '.'), report);
  // JSON is one document: the plan, and what became of it.
  if (options.format === 'json') ctx.io.out(JSON.stringify({ plan, report }, null, 2));
  else
    ctx.io.out(
      `\n${renderReport(
        report,
        files.map((file) => shownPath(ctx.cwd, file)),
      )}`,
    );
  return report;
}

/** A path relative to where the command runs, when it lies inside it. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The history the restore wrote, archived like a backup's, per pool (the target's). */
export async function archive(
  store: Store,
  records: readonly ChangeRecord[],
  ctx: CommandContext,
  say: boolean,
): Promise<void> {
  for (const poolId of new Set(records.map((record) => record.poolId))) {
    const segment = await store.archive(
      poolId,
      records.filter((record) => record.poolId === poolId),
    );
    // Only with the table view: JSON output stays one document.
    if (segment !== undefined && say) ctx.io.out(`restore history archived to ${segment}`);
  }
}
