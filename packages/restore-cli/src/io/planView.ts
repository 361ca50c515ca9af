import type { FieldChange, RestoreAction, RestorePlan, RestoreReport } from '@cognito-rewind/core';
import Table from 'cli-table3';

const ROWS = 200;

const short = (value: unknown): string => {
  const text = value === undefined ? '∅' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

const describeChanges = (changes: FieldChange[]): string =>
  changes
    .slice(0, 4)
    .map((c) => `${c.field}: ${short(c.before)} → ${short(c.after)}`)
    .concat(changes.length > 4 ? [`… ${changes.length - 4} more`] : [])
    .join('\n');

function actionTable(actions: RestoreAction[]): string {
  const table = new Table({
    head: ['action', 'entity', 'changes', 'why'],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const a of actions.slice(0, ROWS))
    table.push([a.kind, a.entity, describeChanges(a.changes), a.reason]);
  const more =
    actions.length > ROWS
      ? `\n… and ${actions.length - ROWS} more actions (--format json lists them all)`
      : '';
  return table.toString() + more;
}

export function countByKind(actions: RestoreAction[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

/** The plan as people read it: deletions first and apart, then the rest in order, then what is left alone. */
export function renderPlan(plan: RestorePlan): string {
  const lines: string[] = [];
  const target =
    plan.targetPoolId === plan.sourcePoolId
      ? plan.targetPoolId
      : `${plan.targetPoolId} (from ${plan.sourcePoolId})`;
  lines.push(`restore plan for ${target} to its state at ${plan.at} (${plan.mode} mode)`);
  const deletions = plan.tasks.filter((t) => t.phase === 'deletions').flatMap((t) => t.actions);
  const later = plan.tasks.filter((t) => t.phase !== 'deletions').flatMap((t) => t.actions);
  const replacements = later.filter((a) => a.kind === 'replaceUser');
  const rest = later.filter((a) => a.kind !== 'replaceUser');
  if (deletions.length > 0) {
    lines.push('', `deletions (${deletions.length}): these did not exist at T and will be deleted`);
    lines.push(actionTable(deletions));
  }
  if (replacements.length > 0) {
    lines.push(
      '',
      `replacements (${replacements.length}): someone else holds these names; deleted, then the user at T re-created`,
      actionTable(replacements),
    );
  }
  if (rest.length > 0) lines.push('', `changes (${rest.length}): ${countByKind(rest)}`, actionTable(rest));
  if (deletions.length + later.length === 0)
    lines.push('', 'nothing to do: the pool already matches its state at T');
  lines.push(...refusedUsers(plan));
  if (plan.kept.length > 0)
    lines.push(
      '',
      `created after T, kept (${plan.kept.length}): ${plan.kept.slice(0, 20).join(', ')}${plan.kept.length > 20 ? ', …' : ''}`,
    );
  const notes = plan.notes.filter((note) => note.kind !== 'impostor');
  if (notes.length > 0) {
    lines.push('', `what Cognito cannot take back, or this restore leaves alone (${notes.length}):`);
    for (const note of notes.slice(0, 50)) lines.push(`  - [${note.kind}] ${note.message}`);
    if (notes.length > 50) lines.push(`  … and ${notes.length - 50} more (in the report)`);
  }
  return lines.join('\n');
}

/** Users at T whose name someone else holds, left alone (undo never merges two users): apart, first. */
function refusedUsers(plan: RestorePlan): string[] {
  const replaced = new Set(
    plan.tasks.flatMap((t) => t.actions.filter((a) => a.kind === 'replaceUser').map((a) => a.entity)),
  );
  const refused = plan.notes.filter((note) => note.kind === 'impostor' && !replaced.has(note.entity));
  if (refused.length === 0) return [];
  return [
    '',
    `left alone (${refused.length}): someone else holds these users' names, and a restore never merges two users`,
    ...refused.slice(0, 50).map((note) => `  - ${note.message}`),
    ...(refused.length > 50 ? [`  … and ${refused.length - 50} more (in the report)`] : []),
  ];
}

/** The printed summary of a finished restore: counts per action kind, failures, ledgers, pace. */
export function renderReport(report: RestoreReport, files: string[]): string {
  const table = new Table({
    head: ['action', 'planned', 'done', 'skipped', 'failed'],
    style: { head: [], border: [] },
  });
  for (const [kind, c] of Object.entries(report.counts))
    table.push([kind, c.planned, c.done, c.skipped, c.failed]);
  const t = report.totals;
  table.push(['total', t.planned, t.done, t.skipped, t.failed]);
  const lines = [
    `${report.ok ? 'restored' : 'restore incomplete:'} ${report.targetPoolId} to ${report.at} (${report.mode} mode)`,
    table.toString(),
    `took ${report.elapsedSeconds.toFixed(1)}s, ${report.rate.toFixed(1)} actions/s; Cognito calls by quota category: ${
      Object.entries(report.calls)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none'
    }${
      Object.keys(report.throttled).length > 0
        ? `; throttled: ${Object.entries(report.throttled)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')}`
        : ''
    }`,
  ];
  if (report.resumedRuns > 0) lines.push(`continued ${report.resumedRuns} earlier run(s) of this restore`);
  for (const f of report.failures.slice(0, 20)) lines.push(`  failed  ${f.action}: ${f.detail}`);
  for (const s of report.skipped.filter((o) => o.conflict).slice(0, 20))
    lines.push(`  skipped ${s.action}: ${s.detail}`);
  const recreated = new Set(report.subLedger.map((e) => e.username));
  const mustReset = report.users.filter((u) => recreated.has(u.username));
  if (mustReset.length > 0)
    lines.push(
      `${mustReset.length} re-created user(s) have no password and must reset it (status now ${[...new Set(mustReset.map((u) => u.statusNow))].join(', ')})`,
    );
  if (report.subLedger.length > 0)
    lines.push(`${report.subLedger.length} user(s) got a new sub: see the sub ledger`);
  if (report.clientLedger.length > 0)
    lines.push(`${report.clientLedger.length} app client(s) got a new id: see the client id ledger`);
  for (const file of files) lines.push(`  wrote ${file}`);
  return lines.join('\n');
}
