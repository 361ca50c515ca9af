import { actionCount, type JournalSummary, type PreparedRestore } from '@cognito-rewind/core';
import type { CommandContext } from '../io/commandContext.js';
import { renderPlan } from '../io/planView.js';
import type { ParsedRestoreOptions } from './restoreOptions.js';

/** A dry run, or nothing to do: the plan shown, and why nothing was changed. */
export function showPlanOnly(
  { plan }: PreparedRestore,
  previous: JournalSummary,
  options: ParsedRestoreOptions,
  ctx: CommandContext,
): void {
  ctx.io.out(options.format === 'json' ? JSON.stringify(plan, null, 2) : renderPlan(plan));
  const planned = actionCount(plan);
  if (planned > 0) {
    ctx.io.err(`dry run: ${planned} action(s) planned, nothing was changed`);
    return;
  }
  const refused = plan.notes.filter((note) => note.kind === 'impostor').length;
  if (refused > 0) {
    ctx.io.err(
      `nothing done: ${refused} user(s) at T have their name held by someone else and are left alone (see the plan); nothing was changed`,
    );
    return;
  }
  const finished = previous.finished ? ' (an earlier run of this restore finished)' : '';
  // Parts the endpoint cannot write may still differ: the plan's notes name them.
  const writable = plan.notes.some((note) => note.kind === 'notWritable')
    ? ' in every part this endpoint can write'
    : '';
  ctx.io.err(
    `nothing to do: ${plan.targetPoolId} already matches ${plan.sourcePoolId} at ${plan.at}${writable}${finished}; nothing was changed`,
  );
}
