import { createHash } from 'node:crypto';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  type ApplyDeps,
  actionCount,
  applyPlan,
  buildRestoreReport,
  type ChangeCause,
  type ChangeRecord,
  createPoolInput,
  InvalidInputError,
  type JournalSummary,
  type JsonObject,
  NewPoolReader,
  newPoolId,
  type PreparedRestore,
  prepareRestore,
  RateLimiter,
  type RestoreReport,
  type RestoreRequest,
  restoreJournalPath,
  type Store,
  stateAt,
  summarizeJournal,
  unconfirmedActions,
} from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import {
  AwsCognitoReader,
  AwsCognitoWriter,
  createCognitoClient,
  isLoopbackEndpoint,
} from '@cognito-rewind/core/adapters/aws';
import { FileRestoreJournal } from '@cognito-rewind/core/adapters/local';
import type { CommandContext } from '../io/commandContext.js';
import { parseEndpoint, parsePoolId, regionFor } from '../io/options.js';
import { parseAt } from '../io/parseTime.js';
import { renderPlan, renderReport } from '../io/planView.js';
import { writeReportFiles } from '../io/reportFiles.js';
import { HeldChangeLog } from '../store/heldChangeLog.js';
import { RecordingChangeLog } from '../store/recordingChangeLog.js';
import { chooseStore } from '../store/storeOptions.js';
import { storeDamageWarning } from './damageWarning.js';
import { otherRestores } from './otherRestores.js';
import { type ParsedRestoreOptions, parseRestoreOptions, type RestoreOptions } from './restoreOptions.js';

export type { RestoreOptions } from './restoreOptions.js';

export interface RestoreOutcome {
  exitCode: number;
  report?: RestoreReport;
  prepared?: PreparedRestore;
}

/** Where a restore keeps its journal: one per set of arguments, so a re-run finds the one it continues. */
function journalFile(storeDir: string, request: RestoreRequest & { createPool?: string }): string {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        request.sourcePoolId,
        request.createPool ?? request.targetPoolId,
        request.at,
        request.mode,
        request.only,
        request.users,
        request.groups,
        request.revert,
      ]),
    )
    .digest('hex')
    .slice(0, 24);
  return join(storeDir, restoreJournalPath(request.sourcePoolId, key));
}

/**
 * `restore-cli restore` (the default command): state(T) from the store, the live pool read whole,
 * the plan printed, then (after --yes or a yes on the terminal) applied at Cognito's pace, journaled
 * so a re-run continues, reported with its ledgers.
 */
export async function restoreCommand(raw: RestoreOptions, ctx: CommandContext): Promise<RestoreOutcome> {
  const options = parseRestoreOptions(raw);
  const request = restoreRequest(raw, options, ctx);
  const store = await openReadyStore(
    chooseStore(raw, ctx.env),
    { mustExist: true, ...ctx },
    request.sourcePoolId,
  );
  const endpoint = parseEndpoint(raw.endpoint ?? ctx.env.COGNITO_ENDPOINT);
  const region = regionFor(raw.targetPool ?? request.sourcePoolId, raw.region, ctx.env);
  // Reads retry throttling themselves; writes hand it back so the rate limiter can slow that category.
  const readClient = createCognitoClient({ endpoint, region });
  const writeClient = createCognitoClient({ endpoint, region, throttlingMaxAttempts: 1 });
  const reader = new AwsCognitoReader(readClient);
  const writer = new AwsCognitoWriter(writeClient);
  const journal = new FileRestoreJournal(journalFile(store.localDir, request));
  try {
    const run = await planRun(store, request, raw, { reader, writer, journal }, ctx);
    const { previous, newPool } = run;
    let { prepared } = run;
    for (const warning of prepared.warnings) ctx.io.err(`warning: ${warning}`);
    const damage = await storeDamageWarning(store, request.sourcePoolId);
    if (damage !== undefined) ctx.io.err(`warning: ${damage}`);
    const planned = actionCount(prepared.plan) + (newPool === undefined ? 0 : 1);
    if (planned === 0 || options.dryRun) {
      showPlanOnly(prepared, previous, options, ctx);
      return { exitCode: 0, prepared };
    }
    if (options.format !== 'json') ctx.io.out(renderPlan(prepared.plan));
    await confirm(ctx, prepared.plan.targetPoolId, planned, options.yes);
    if (newPool !== undefined) {
      request.targetPoolId = await createTargetPool(newPool, request, writer, journal, ctx);
      prepared = await intoCreatedPool(prepared, { ...store, reader, writer }, { ...request, previous });
    }
    // The bucket alone takes no appends: the restore's history is held, and archived to the bucket as
    // it piles up and when the restore ends.
    const held = store.readOnlyLog
      ? new HeldChangeLog(store.changeLog, { archive: (poolId, records) => store.archive(poolId, records) })
      : undefined;
    const changeLog = new RecordingChangeLog(held ?? store.changeLog);
    const cause = await restoreCause(writeClient, endpoint, journalFile(store.localDir, request));
    const report = await applyAndReport(
      prepared,
      previous,
      { writer, reader, journal, changeLog, cause },
      raw,
      options,
      // The restore's records and journal are dated as every writer of the store dates them.
      { ...ctx, clock: store.clock },
    ).finally(() => archive(store, held?.unarchived() ?? changeLog.appended, ctx, options.format !== 'json'));
    return { exitCode: report.ok ? 0 : 1, report, prepared };
  } finally {
    await journal.close();
    readClient.destroy();
    writeClient.destroy();
    store.close();
  }
}

interface PlannedRun {
  prepared: PreparedRestore;
  previous: JournalSummary;
  /** The pool --create-pool is still to make (not by an earlier run), from its configuration at T. */
  newPool?: { pool: JsonObject; name: string };
}

/**
 * The plan to show. A pool still to create is planned against what CreateUserPool will make (an
 * empty pool), and made only once the operator has said yes to that plan: a dry run or a no leaves
 * nothing behind. A pool an earlier run created is continued into.
 */
async function planRun(
  store: Store,
  request: RestoreRequest,
  raw: RestoreOptions,
  io: { reader: AwsCognitoReader; writer: AwsCognitoWriter; journal: FileRestoreJournal },
  ctx: CommandContext,
): Promise<PlannedRun> {
  const previous = summarizeJournal(await io.journal.read());
  if (raw.createPool !== undefined && previous.createdPool) {
    ctx.io.err(`continuing into pool ${previous.createdPool}, created by an earlier run`);
    request.targetPoolId = previous.createdPool;
  }
  const newPool =
    raw.createPool !== undefined && !previous.createdPool
      ? await poolAtT(store, request, raw.createPool)
      : undefined;
  const reader = newPool === undefined ? io.reader : new NewPoolReader(newPool.pool, newPool.name);
  const toCreate = newPool === undefined ? {} : { targetPoolId: newPoolId(newPool.name) };
  const otherRuns = await otherRestores(store.localDir, io.journal.file);
  const prepared = await prepareRestore(
    { ...store, reader, writer: io.writer },
    { ...request, ...toCreate, previous, otherRestores: otherRuns },
  );
  return { prepared, previous, ...(newPool === undefined ? {} : { newPool }) };
}

/**
 * What every record of this restore names: the restore (its journal's id: the same for a re-run that
 * continues it) and who runs it — the access key its calls are signed with, which is how CloudTrail
 * shows them; on a local endpoint also the IAM user the CloudTrail tap names after that key.
 */
async function restoreCause(
  client: CognitoIdentityProviderClient,
  endpoint: string | undefined,
  journal: string,
): Promise<ChangeCause> {
  const restoreId = basename(journal).replace(/\.journal\.ndjson$/, '');
  const credentials = await client.config.credentials().catch(() => undefined);
  const accessKeyId = credentials?.accessKeyId;
  if (accessKeyId === undefined || accessKeyId === '') return { restoreId };
  const local = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  return {
    restoreId,
    operatorAccessKeyId: accessKeyId,
    ...(local ? { operatorArn: `arn:aws:iam::000000000000:user/${accessKeyId}` } : {}),
  };
}

function showPlanOnly(
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

/** Applies the plan at Cognito's pace with a progress bar, then writes and prints the report. */
async function applyAndReport(
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

/** Everything the restore is asked, checked: a bad pool id or time is exit 2 before any read. */
function restoreRequest(
  raw: RestoreOptions,
  options: ParsedRestoreOptions,
  ctx: CommandContext,
): RestoreRequest & { createPool?: string } {
  const sourcePoolId = parsePoolId(raw.pool);
  // --revert takes its time from the change record; the request's time only names the journal.
  const at = raw.revert !== undefined ? 'revert' : parseAt(raw.at ?? '', ctx.clock.now());
  return {
    sourcePoolId,
    targetPoolId: raw.targetPool === undefined ? sourcePoolId : parsePoolId(raw.targetPool),
    at,
    mode: options.mode,
    notify: options.notify,
    ...(options.only ? { only: options.only } : {}),
    ...(options.users ? { users: options.users } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
    ...(raw.revert !== undefined ? { revert: raw.revert } : {}),
    ...(raw.createPool !== undefined ? { createPool: raw.createPool } : {}),
  };
}

async function confirm(ctx: CommandContext, poolId: string, actions: number, yes: boolean): Promise<void> {
  if (yes) return;
  if (!ctx.io.canAsk)
    throw new InvalidInputError(
      `refusing to change ${poolId} without --yes (no terminal to ask on); nothing was changed`,
    );
  if (!(await ctx.io.confirm(`apply ${actions} action(s) to ${poolId}?`)))
    throw new InvalidInputError('restore cancelled; nothing was changed');
}

/** The pool's configuration recorded at T, for a pool to create from it. */
async function poolAtT(
  store: Store,
  request: RestoreRequest,
  name: string,
): Promise<{ pool: JsonObject; name: string }> {
  const state = await stateAt(store, request.sourcePoolId, request.at);
  let pool: JsonObject | undefined;
  for await (const entry of state.entities) if (entry.key === 'pool') pool = entry.doc;
  if (pool === undefined)
    throw new InvalidInputError(
      `the store has no pool configuration of ${request.sourcePoolId} at ${request.at}; nothing was created`,
    );
  return { pool, name };
}

/** --create-pool, once confirmed: the new pool from the configuration at T, journaled so a re-run reuses it. */
async function createTargetPool(
  { pool, name }: { pool: JsonObject; name: string },
  request: RestoreRequest,
  writer: AwsCognitoWriter,
  journal: FileRestoreJournal,
  ctx: CommandContext,
): Promise<string> {
  const at = ctx.clock.now().toISOString();
  await journal.append({ type: 'start', at, action: 'createPool', entity: 'pool' });
  const { poolId } = await writer.createUserPool(createPoolInput(pool, name));
  await journal.append({
    type: 'done',
    at: ctx.clock.now().toISOString(),
    action: 'createPool',
    entity: 'pool',
    result: { poolId },
  });
  ctx.io.out(
    `created pool ${poolId} (${name}) from the configuration of ${request.sourcePoolId} at ${request.at}`,
  );
  return poolId;
}

/**
 * The plan against the pool just created, which apply re-checks as it goes. It applies only what the
 * operator confirmed: an action the empty pool's plan did not show is refused, not run unasked.
 */
async function intoCreatedPool(
  confirmed: PreparedRestore,
  deps: Parameters<typeof prepareRestore>[0],
  request: RestoreRequest,
): Promise<PreparedRestore> {
  const prepared = await prepareRestore(deps, request);
  const unasked = unconfirmedActions(confirmed.plan, prepared.plan);
  if (unasked.length > 0)
    throw new InvalidInputError(
      `pool ${request.targetPoolId} was created but does not look as planned: ${unasked.length} action(s) were not in the plan you confirmed (${unasked.slice(0, 5).join(', ')}); nothing else was changed: run the same command again to plan against it`,
    );
  return prepared;
}

/** A path relative to where the command runs, when it lies inside it. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The history the restore wrote, archived like a backup's, per pool (the target's). */
async function archive(
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
