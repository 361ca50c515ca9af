import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_QUOTAS,
  isRestoreJournalName,
  operationCategory,
  perPoolOperationLimit,
  type QuotaCategory,
  type RestoreReport,
  restoresFolder,
} from '@cognito-rewind/core';
import {
  AWS_RATE_LIMITS_WITH_PER_POOL,
  OPERATIONS,
  type SeedUser,
  startCognitoFake,
} from '@cognito-rewind/testkit';
import { exec } from '../src/cli.js';
import { RecordingIoHost } from '../src/io/ioHost.js';
import { userDoc, username } from './synthetic.js';

/** Users per group: 20,000 users give 200 groups. */
const USERS_PER_GROUP = 100;
const SCHEMA = [
  { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
  { Name: 'plan', AttributeDataType: 'String', Mutable: true },
];

const groupName = (g: number): string => `group-${String(g).padStart(4, '0')}`;

/**
 * The groups of user `i` among `groups`: every user is in group `i mod groups`, and every fourth one
 * also in a second, different group; deterministic, so each run restores the same memberships.
 */
export function groupsOf(i: number, groups: number): string[] {
  const first = i % groups;
  if (i % 4 !== 0 || groups < 2) return [groupName(first)];
  const offset = 1 + (Math.floor(i / groups) % (groups - 1));
  return [groupName(first), groupName((first + offset) % groups)];
}

/** A synthetic user as the fake seeds it: the synthetic document's attributes, less `sub` (Cognito sets it). */
function seedUser(i: number, groups: number): SeedUser {
  const { sub: _sub, ...attributes } = userDoc(i).attributes as Record<string, string>;
  return { username: username(i), attributes, groups: groupsOf(i, groups) };
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(3));

/**
 * Where the apply's time went, from the restore's own journal: the phases before the users (pool,
 * groups) and the users phase, from the run's start to the first user action and from there to the end.
 */
function phasesFromJournal(store: string, source: string) {
  const dir = join(store, restoresFolder(source));
  const file = readdirSync(dir).find(isRestoreJournalName);
  if (file === undefined) return undefined;
  const entries = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; at: string; entity?: string });
  const time = (e: { at: string } | undefined) => (e === undefined ? Number.NaN : Date.parse(e.at));
  const run = time(entries.find((e) => e.type === 'run'));
  const firstUser = time(entries.find((e) => e.type === 'start' && e.entity?.startsWith('user:')));
  const finished = time(entries.findLast((e) => e.type === 'finished'));
  return { beforeUsersSeconds: seconds(firstUser - run), usersPhaseSeconds: seconds(finished - firstUser) };
}

/** HTTP calls (or throttling answers) the fake counted since its last reset, per operation. */
function byOperation(count: (operation: string) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const operation of [...OPERATIONS.keys()].sort()) {
    const n = count(operation);
    if (n > 0) out[operation] = n;
  }
  return out;
}

/** The same counts summed per quota category. */
function byCategory(perOperation: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [operation, n] of Object.entries(perOperation)) {
    const category = operationCategory(operation) ?? 'Uncategorized';
    out[category] = (out[category] ?? 0) + n;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The single operation with the largest calls / AWS's per-pool rate, among those AWS limits per pool. */
function perPoolBound(perOperation: Record<string, number>) {
  let worst: { operation: string; calls: number; perSecond: number; seconds: number } | undefined;
  for (const [operation, calls] of Object.entries(perOperation)) {
    const perSecond = perPoolOperationLimit(operation);
    if (perSecond === undefined) continue;
    const bound = Number((calls / perSecond).toFixed(3));
    if (worst === undefined || bound > worst.seconds) worst = { operation, calls, perSecond, seconds: bound };
  }
  return worst;
}

async function cli(io: RecordingIoHost, args: string[], cwd: string): Promise<void> {
  const code = await exec(args, io, { cwd, env: {} });
  if (code !== 0)
    throw new Error(`restore-cli ${args[0]} exited ${code}: ${io.errors.split('\n').slice(-5).join(' | ')}`);
}

/**
 * Restores `users` users in `users / 100` groups, with their memberships, into an empty pool on the
 * in-memory Cognito fake enforcing AWS's default quotas: each category's account-wide rate, and the
 * 5 requests per second per pool of each single operation of the pool-resource and client categories
 * (`AWS_RATE_LIMITS_WITH_PER_POOL`; the restore's rate limiter paces both). Setup, not timed: seed the
 * source pool, back it up with `restore-cli backup` into `dir`, create an empty target pool with the
 * same schema, reset the fake's counts. Timed: `restore-cli restore --target-pool … --yes`, exactly as
 * a person runs it (reader with retries, writer handing throttling to the rate limiter, file journal,
 * directory change log), from parsing its arguments to printing its report.
 *
 * The quota bound is the least time AWS's defaults allow for the calls the restore made: the largest,
 * over categories, of calls / default requests per second. quotaBoundFraction = bound / wall time.
 * The largest per-pool-per-operation bound (calls / 5) is reported beside it, and where the apply's
 * time went (before the users phase, the users phase) from the restore's journal.
 */
export async function measureRestore(
  dir: string,
  users: number,
  groups = Math.max(1, Math.floor(users / USERS_PER_GROUP)),
) {
  const store = join(dir, 'store');
  const reports = join(dir, 'reports');
  mkdirSync(dir, { recursive: true });
  const running = await startCognitoFake({ rateLimits: AWS_RATE_LIMITS_WITH_PER_POOL });
  const { fake, endpoint } = running;
  try {
    // Setup: the fake unthrottled, so that the (untimed) backup does not wait out AWS's quotas.
    fake.setRateLimits({});
    const source = fake.createPool({ PoolName: 'bench-source', Schema: SCHEMA });
    for (let g = 0; g < groups; g++)
      fake.call('CreateGroup', { UserPoolId: source, GroupName: groupName(g) });
    let memberships = 0;
    fake.seedUsers(
      source,
      (function* () {
        for (let i = 0; i < users; i++) {
          const user = seedUser(i, groups);
          memberships += user.groups?.length ?? 0;
          yield user;
        }
      })(),
    );
    const backupIo = new RecordingIoHost();
    await cli(backupIo, ['backup', '--pool', source, '--store', store, '--endpoint', endpoint], dir);
    const at = /backup of \S+ at (\S+)/.exec(backupIo.output)?.[1];
    if (at === undefined) throw new Error(`no backup time in: ${backupIo.output}`);
    const target = fake.createPool({ PoolName: 'bench-target', Schema: SCHEMA });
    fake.setRateLimits(AWS_RATE_LIMITS_WITH_PER_POOL);
    fake.resetCounts();
    const setupPeakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);

    // Timed: the restore, as the CLI runs it.
    const io = new RecordingIoHost();
    const args = ['--at', at, '--pool', source, '--target-pool', target, '--store', store];
    const start = performance.now();
    await cli(io, [...args, '--endpoint', endpoint, '--yes', '--report', reports], dir);
    const wallMs = performance.now() - start;

    const reportFile = readdirSync(reports).find((f) => /^restore-report-.*\.json$/.test(f));
    if (reportFile === undefined) throw new Error(`the restore wrote no report in ${reports}`);
    const report = JSON.parse(readFileSync(join(reports, reportFile), 'utf8')) as RestoreReport;
    const callsByOperation = byOperation((op) => fake.callCount(op));
    const calls = byCategory(callsByOperation);
    const throttled = byCategory(byOperation((op) => fake.throttledCount(op)));
    const bound = (category: string) =>
      (calls[category] ?? 0) / DEFAULT_QUOTAS[category as QuotaCategory].perSecond;
    const busiest = Object.keys(calls)
      .filter((c) => c in DEFAULT_QUOTAS)
      .reduce((a, b) => (bound(b) > bound(a) ? b : a));
    const quotaBoundSeconds = bound(busiest);
    const wallSeconds = seconds(wallMs);
    const fraction = Number((quotaBoundSeconds / wallSeconds).toFixed(3));
    const phases = phasesFromJournal(store, source);
    const live = fake.pool(target);
    return {
      users,
      groups,
      memberships,
      usersRestored: live?.users.size,
      wallSeconds,
      applySeconds: report.elapsedSeconds,
      actions: report.totals,
      failedActions: report.totals.failed,
      calls,
      callsByOperation,
      throttled,
      throttledCalls: Object.values(throttled).reduce((a, b) => a + b, 0),
      limiterThrottled: report.throttled,
      busiestCategory: busiest,
      busiestCalls: calls[busiest],
      busiestDefaultRps: DEFAULT_QUOTAS[busiest as QuotaCategory].perSecond,
      quotaBoundSeconds: Number(quotaBoundSeconds.toFixed(3)),
      quotaBoundFraction: fraction,
      perPoolOperationBound: perPoolBound(callsByOperation),
      meetsBar: fraction >= 0.9 && report.totals.failed === 0,
      planningSeconds: seconds(wallMs - report.elapsedSeconds * 1000),
      ...phases,
      setupPeakRssMiB,
      note:
        'fake with AWS default quotas (per category, and 5/s per pool per operation where AWS has it); restore-cli restore --target-pool with its defaults (concurrency 16); ' +
        'busiest = category with the largest calls / default rps (the quota bound); wall time includes planning and the printed report (planningSeconds = wall - apply); peak RSS includes the in-process fake',
    };
  } finally {
    await running.stop();
  }
}
