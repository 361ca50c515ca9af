import {
  actionCount,
  InvalidInputError,
  type JournalSummary,
  type JsonObject,
  NewPoolReader,
  newPoolId,
  type PreparedRestore,
  prepareRestore,
  type RestoreReport,
  type RestoreRequest,
  type Store,
  summarizeJournal,
} from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import { AwsCognitoReader, AwsCognitoWriter, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { FileRestoreJournal } from '@cognito-rewind/core/adapters/local';
import type { CommandContext } from '../io/commandContext.js';
import { parseEndpoint, regionFor } from '../io/options.js';
import { renderPlan } from '../io/planView.js';
import { HeldChangeLog } from '../store/heldChangeLog.js';
import { RecordingChangeLog } from '../store/recordingChangeLog.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import { storeDamageWarning } from './damageWarning.js';
import { otherRestores } from './otherRestores.js';
import { applyAndReport, archive } from './restoreApply.js';
import { createTargetPool, intoCreatedPool, poolAtT } from './restoreNewPool.js';
import { parseRestoreOptions, type RestoreOptions } from './restoreOptions.js';
import { showPlanOnly } from './restorePlanOnly.js';
import { journalFile, restoreCause, restoreRequest } from './restoreRequest.js';

export type { RestoreOptions } from './restoreOptions.js';

export interface RestoreOutcome {
  exitCode: number;
  report?: RestoreReport;
  prepared?: PreparedRestore;
}

/**
 * `restore-cli restore` (the default command): state(T) from the store, the live pool read whole,
 * the plan printed, then (after --yes or a yes on the terminal) applied at Cognito's pace, journaled
 * so a re-run continues, reported with its ledgers.
 */
export async function restoreCommand(raw: RestoreOptions, ctx: CommandContext): Promise<RestoreOutcome> {
  const options = parseRestoreOptions(raw);
  const access = chooseAccess(raw, ctx, 'restore');
  const request = restoreRequest({ ...raw, pool: poolOf(raw.pool, access, ctx) }, options, ctx);
  // Store and Cognito alike as the restore role, when there is one.
  const credentials = storeCredentials(access);
  const store = await openReadyStore(
    access.config,
    { mustExist: true, ...ctx, ...credentials },
    request.sourcePoolId,
  );
  const endpoint = parseEndpoint(raw.endpoint ?? ctx.env.COGNITO_ENDPOINT);
  const region = regionFor(raw.targetPool ?? request.sourcePoolId, raw.region, ctx.env);
  // Reads retry throttling themselves; writes hand it back so the rate limiter can slow that category.
  const readClient = createCognitoClient({ endpoint, region, ...credentials });
  const writeClient = createCognitoClient({ endpoint, region, throttlingMaxAttempts: 1, ...credentials });
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

async function confirm(ctx: CommandContext, poolId: string, actions: number, yes: boolean): Promise<void> {
  if (yes) return;
  if (!ctx.io.canAsk)
    throw new InvalidInputError(
      `refusing to change ${poolId} without --yes (no terminal to ask on); nothing was changed`,
    );
  if (!(await ctx.io.confirm(`apply ${actions} action(s) to ${poolId}?`)))
    throw new InvalidInputError('restore cancelled; nothing was changed');
}
