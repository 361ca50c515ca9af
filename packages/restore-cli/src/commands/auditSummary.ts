import {
  type Burst,
  BurstDetector,
  type BurstThreshold,
  burstThreshold,
  callerKeyOf,
  type EventTrail,
  InvalidInputError,
  parseEntityKey,
  type TrailEntry,
} from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../io/commandContext.js';
import { AT_HELP, parseAt } from '../io/parseTime.js';
import { applyLocal } from '../local/stack/localTarget.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import { addStoreOptions, type StoreOptions } from '../store/storeOptions.js';

export interface AuditSummaryOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  /** Required; checked by the command (an `audit` parent may have taken it, see `withParentOptions`). */
  since?: string;
  until?: string;
  format?: string;
  burstCount?: string;
  burstMinutes?: string;
}

/** What `audit summary` found in a time range: calls counted three ways, and the bursts among them. */
export interface AuditSummary {
  poolId: string;
  since: string;
  until: string;
  threshold: BurstThreshold;
  /** Trail entries in the range (every call capture received, refused ones included). */
  total: number;
  /** Calls Cognito refused. */
  failed: number;
  byEvent: Record<string, number>;
  byCaller: Record<string, number>;
  /** Entities touched, by kind (`user`, `group`, `client`, …). */
  byKind: Record<string, number>;
  bursts: Burst[];
}

const FORMATS = ['table', 'json'] as const;
const PAGE = 1000;

/** `restore-cli audit summary`: counts by event, caller and kind, and the bursts with their undo commands. */
export async function auditSummaryCommand(
  options: AuditSummaryOptions,
  ctx: CommandContext,
): Promise<AuditSummary> {
  const format = options.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new InvalidInputError(`--format ${JSON.stringify(format)}: use ${FORMATS.join(' or ')}`);
  const now = ctx.clock.now();
  if (options.since === undefined) throw new InvalidInputError('--since <time> is required');
  const since = timeFlag('--since', options.since, now);
  const until = options.until === undefined ? now.toISOString() : timeFlag('--until', options.until, now);
  if (since > until) throw new InvalidInputError(`--since ${since} is after --until ${until}`);
  const threshold = burstThreshold(
    { count: options.burstCount, minutes: options.burstMinutes },
    { count: '--burst-count', minutes: '--burst-minutes' },
  );
  const access = chooseAccess(options, ctx, 'audit summary');
  const poolId = poolOf(options.pool, access, ctx);
  const store = await openReadyStore(
    access.config,
    { mustExist: true, ...ctx, ...storeCredentials(access) },
    poolId,
  );
  let summary: AuditSummary;
  try {
    if (store.trail === undefined)
      throw new InvalidInputError(
        'this store has no event trail (the bucket alone keeps none; give --table, or use the directory store capture writes to)',
      );
    summary = await summarize(store.trail, poolId, { since, until }, threshold);
  } finally {
    store.close();
  }
  print(summary, format, ctx);
  return summary;
}

function timeFlag(flag: string, value: string, now: Date): string {
  try {
    return parseAt(value, now);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(error.message.replace(/^--at/, flag));
    throw error;
  }
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const sortedCounts = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));

/**
 * Reads the range page by page through the trail's time index (a Query, never a Scan) and keeps only
 * counters and the destructive calls burst detection needs, so memory follows those, not the range.
 */
export async function summarize(
  trail: EventTrail,
  poolId: string,
  range: { since: string; until: string },
  threshold: BurstThreshold,
): Promise<AuditSummary> {
  const detector = new BurstDetector(threshold);
  const byEvent: Record<string, number> = {};
  const byCaller: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  let total = 0;
  let failed = 0;
  const count = (entry: TrailEntry) => {
    total += 1;
    if (entry.errorCode !== undefined) failed += 1;
    bump(byEvent, entry.eventName);
    bump(byCaller, callerKeyOf(entry));
    for (const entity of entry.entities) bump(byKind, parseEntityKey(entity).kind);
    detector.add(entry);
  };
  let cursor: string | undefined;
  do {
    const page = await trail.query(poolId, {
      ...range,
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    page.entries.forEach(count);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return {
    poolId,
    ...range,
    threshold,
    total,
    failed,
    byEvent: sortedCounts(byEvent),
    byCaller: sortedCounts(byCaller),
    byKind: sortedCounts(byKind),
    bursts: detector.bursts(),
  };
}

function print(summary: AuditSummary, format: string, ctx: CommandContext): void {
  if (format === 'json') {
    ctx.io.out(JSON.stringify(summary, null, 2));
    return;
  }
  const { poolId, since, until } = summary;
  if (summary.total === 0) {
    ctx.io.out(`no events recorded for ${poolId} from ${since} to ${until}`);
    return;
  }
  ctx.io.out(
    `${summary.total} events for ${poolId} from ${since} to ${until} (${summary.failed} refused by Cognito)`,
  );
  for (const [title, counts] of [
    ['event', summary.byEvent],
    ['caller', summary.byCaller],
    ['kind', summary.byKind],
  ] as const) {
    const table = new Table({ head: [title, 'count'], style: { head: [], border: [] } });
    for (const [key, n] of Object.entries(counts)) table.push([key, n]);
    ctx.io.out(table.toString());
  }
  const { count, minutes } = summary.threshold;
  if (summary.bursts.length === 0) {
    ctx.io.out(`no bursts (${count} or more destructive calls by one caller within ${minutes} min)`);
    return;
  }
  ctx.io.out(
    `${summary.bursts.length} burst(s) of ${count} or more destructive calls by one caller within ${minutes} min:`,
  );
  summary.bursts.forEach((burst, i) => {
    printBurst(burst, i + 1, ctx);
  });
}

function printBurst(burst: Burst, n: number, ctx: CommandContext): void {
  const counts = Object.entries(burst.counts)
    .map(([event, k]) => `${event} ${k}`)
    .join(', ');
  const { undo } = burst;
  const lines = [
    '',
    `burst ${n}: ${burst.caller}, ${burst.start} to ${burst.end}: ${burst.total} calls (${counts}), ${burst.entities.length} entities`,
    `  entities: ${burst.entities.join(', ')}`,
    `  undo the whole window (the pool as at ${undo.at}; later changes by anyone are undone too):`,
    `    ${undo.wholeWindow.dryRun}`,
    `    ${undo.wholeWindow.command}`,
  ];
  if (undo.callerOnly !== undefined)
    lines.push(
      '  undo only what this caller touched:',
      `    ${undo.callerOnly.dryRun}`,
      `    ${undo.callerOnly.command}`,
    );
  for (const note of undo.notes) lines.push(`  note: ${note}`);
  ctx.io.out(lines.join('\n'));
}

/**
 * Adds `summary` to the `audit` command group. A function of its own so the group (and its other
 * subcommands) can live elsewhere: `cli.ts` calls it with whichever `audit` command it builds.
 */
export function addAuditSummary(audit: Command, ctx: CommandContext): Command {
  return addStoreOptions(audit.command('summary'))
    .description(
      'counts of the calls in a time range by event, caller and entity kind, and the bursts of destructive calls with the restore commands that undo them',
    )
    .addOption(
      new Option(
        '--pool <id>',
        'user pool id, e.g. us-east-1_AbCdEf123 (required unless the --deployment keeps one pool)',
      ),
    )
    .option('--since <time>', `start of the range (required): ${AT_HELP}`)
    .option('--until <time>', 'end of the range (default: now), in the same forms as --since')
    .option('--format <format>', 'table or json', 'table')
    .option('--burst-count <n>', 'destructive calls by one caller that make a burst (default 50)')
    .option('--burst-minutes <m>', 'within how many minutes (default 5)')
    .action(async (options, summary: Command) => {
      const resolved = await applyLocal(withParentOptions(audit, summary, options), ctx, { cognito: false });
      await auditSummaryCommand(resolved.options, resolved.ctx);
    });
}

/**
 * Commander gives an option the parent (`audit`) also declares to the parent, wherever it stands on
 * the command line: `audit summary --pool X` sets `audit`'s `--pool`. Such a value, given on the
 * command line or by the environment, is taken back unless `summary` was given its own.
 */
export function withParentOptions(
  parent: Command,
  command: Command,
  options: Record<string, unknown>,
): AuditSummaryOptions {
  const given = (cmd: Command, key: string) => {
    const source = cmd.getOptionValueSource(key);
    return source === 'cli' || source === 'env';
  };
  const merged: Record<string, unknown> = { ...options };
  const known = new Set(command.options.map((option) => option.attributeName()));
  for (const [key, value] of Object.entries(parent.opts()))
    if (known.has(key) && given(parent, key) && !given(command, key)) merged[key] = value;
  return merged as unknown as AuditSummaryOptions;
}
