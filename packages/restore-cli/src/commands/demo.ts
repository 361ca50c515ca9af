import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  collectState,
  LOG_ORIGIN,
  type LogPosition,
  type PoolStateDocument,
  stateAt,
} from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { demoDir } from '../demo/demoDir.js';
import { createDemoPool, mutateDemoPool } from '../demo/demoPool.js';
import { describeRecords, recordedSince, summarizeRecords } from '../demo/recordedChanges.js';
import type { CommandContext } from '../io/commandContext.js';
import { renderStateSummary } from '../io/stateSummary.js';
import { type LocalStack, startLocalStack } from '../local/stack/localStack.js';
import { shownPath } from '../local/stack/stackBanner.js';
import { restoreCommand } from './restore.js';

const HOUR = 3_600_000;

export interface DemoOptions {
  /** @default `.rewind/demo`: never the directory of `pnpm start` (`demoDir`) */
  dir?: string;
}

/**
 * The main job, told through capture: the local stack (cognito-local behind the CloudTrail tap, the
 * capture queue and handlers) in this process; a demo pool made through the tap; a bad afternoon;
 * the pool as it was at both times; a restore to before the afternoon, itself captured; the result.
 * No backup command runs: every record comes from capture, a first full read, or a reconcile.
 */
export async function demoCommand(options: DemoOptions, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const dir = demoDir(options.dir, ctx);
  const shown = (path: string) => shownPath(ctx.cwd, path);
  const notes: string[] = [];
  const stack = await startLocalStack({
    dir,
    port: 0,
    stackFile: false,
    // The story runs the scheduled handlers at its own points (settle, the end), not on timers, so
    // what it prints is the same on every run.
    snapshotEveryMs: HOUR,
    archiveEveryMs: HOUR,
    pollEveryMs: HOUR,
    clock: ctx.clock,
    onActivity: (line) => notes.push(line),
    onProblem: (line) => io.err(`warning: ${line}`),
  });
  const cognito = createCognitoClient({ endpoint: stack.cognitoEndpoint, region: stack.region });
  const storeDir = join(dir, 'store');
  try {
    io.out(`▶ local stack: cognito-local behind the CloudTrail tap at ${stack.cognitoEndpoint}`);
    io.out(`  every call's event → the capture queue → the capture handler → ${shown(storeDir)}`);
    const { changeLog } = stack.store;
    // The stack reads the pools it already has when it starts (a restart catches up): let it finish.
    await stack.settle();
    notes.splice(0);

    const poolId = await createDemoPool(cognito);
    io.out(
      `\n▶ created demo pool ${poolId} through the tap: 5 users, 3 groups, 2 app clients, custom attributes`,
    );
    const created = await phase(stack, poolId, LOG_ORIGIN, notes, ctx);
    io.out(`  recorded: ${summarizeRecords(created)}`);
    io.out('  (a state at T needs a snapshot at or before T: a new pool gets its first from the snapshot');
    io.out("   handler's full read, which writes baselines only for what capture had not recorded; then the");
    io.out('   reconcile handler reads it once, as it will every day, to check the log against the pool)');
    const before = ctx.clock.now().toISOString();
    // Cognito dates changes in whole seconds: let one pass so the two states are told apart.
    await sleep(1100);

    io.out('\n▶ a bad afternoon, through the tap:');
    const startOfAfternoon = await changeLog.position(poolId);
    for (const change of await mutateDemoPool(cognito, poolId)) io.out(`  - ${change}`);
    io.out('\n▶ what capture recorded:');
    const afternoon = await phase(stack, poolId, startOfAfternoon, notes, ctx);
    io.out(`  ${summarizeRecords(afternoon)}`);
    for (const line of describeRecords(afternoon)) io.out(line);
    const after = ctx.clock.now().toISOString();

    for (const at of [before, after]) {
      const file = await writeState(stack, dir, poolId, at);
      io.out(`\n▶ state of ${poolId} at ${at} (full JSON: ${shown(file.path)})`);
      io.out(renderStateSummary(file.state));
    }

    io.out(`\n▶ put it back as it was at ${before} (undo mode: frank, created after, is kept),`);
    io.out('  with restore-cli through the tap: its calls are captured too, once it is done (as with');
    io.out("  CloudTrail's delivery delay in AWS):");
    const startOfRestore = await changeLog.position(poolId);
    // In AWS the restore's events reach capture minutes after its own history records are written.
    const restore = await stack.withCaptureHeld(() =>
      restoreCommand(
        {
          pool: poolId,
          store: storeDir,
          at: before,
          endpoint: stack.cognitoEndpoint,
          region: stack.region,
          yes: true,
          report: join(dir, 'reports'),
        },
        ctx,
      ),
    );
    if (restore.exitCode !== 0) throw new Error('the demo restore did not finish; see the report above');
    await stack.settle();
    const restored = await recordedSince(changeLog, poolId, startOfRestore);
    const events = notes.filter((line) => line.startsWith('capture') && line.includes(poolId));
    const nothingNew = events.filter((line) => line.endsWith('nothing new')).length;
    io.out('\n▶ what the restore wrote to the log, and what capture made of its calls:');
    io.out(`  ${summarizeRecords(restored)}`);
    for (const line of describeRecords(restored)) io.out(line);
    io.out(
      `  capture: ${events.length} event(s) of the restore's calls, ${nothingNew} with nothing new to record`,
    );

    const now = ctx.clock.now().toISOString();
    const final = await writeState(stack, dir, poolId, now);
    io.out(`\n▶ state of ${poolId} after the restore (${now})`);
    io.out(renderStateSummary(final.state));

    await finalHandlers(stack, poolId, notes, ctx);
    printTryNext(poolId, before, shown(storeDir), shown(join(dir, 'now.json')), ctx);
  } finally {
    cognito.destroy();
    await stack.stop();
  }
}

/** Waits for capture and the jobs it set off, and returns what they appended to the pool's log. */
async function phase(
  stack: LocalStack,
  poolId: string,
  since: LogPosition,
  notes: string[],
  ctx: CommandContext,
) {
  await stack.settle();
  // The jobs' own lines (first read, reconcile); capture's are summed up from the log instead.
  for (const line of notes.splice(0))
    if (line.includes(poolId) && !line.startsWith('capture')) ctx.io.out(`  ${line}`);
  return recordedSince(stack.store.changeLog, poolId, since);
}

async function writeState(
  stack: LocalStack,
  dir: string,
  poolId: string,
  at: string,
): Promise<{ path: string; state: PoolStateDocument }> {
  const state = await collectState(await stateAt(stack.store, poolId, at));
  await mkdir(dir, { recursive: true });
  const path = join(dir, `state-${poolId}-${at.replace(/[:.]/g, '')}.json`);
  await writeFile(path, `${JSON.stringify(state, null, 2)}\n`);
  return { path, state };
}

/** The scheduled handlers, run once now instead of waiting a minute: a compacted snapshot, an archive. */
async function finalHandlers(stack: LocalStack, poolId: string, notes: string[], ctx: CommandContext) {
  await stack.jobs.snapshotNow();
  await stack.jobs.archiveNow();
  ctx.io.out('\n▶ the scheduled handlers, run once more before the stack stops:');
  for (const line of notes.splice(0))
    if (line.includes(poolId) && !line.startsWith('capture')) ctx.io.out(`  ${line}`);
}

function printTryNext(poolId: string, before: string, store: string, out: string, ctx: CommandContext) {
  const cli = 'pnpm restore-cli';
  ctx.io.out('\n▶ try next (the demo stack is stopped now; the store stays):');
  ctx.io.out(`  ${cli} snapshots --pool ${poolId} --store ${store}`);
  ctx.io.out(`  ${cli} state --pool ${poolId} --store ${store} --at ${before}`);
  ctx.io.out(`  ${cli} state --pool ${poolId} --store ${store} --at now --out ${out}`);
  ctx.io.out(`  ${cli} verify --pool ${poolId} --store ${store}`);
  ctx.io.out(
    '  pnpm start   (the same stack with its own pools and store in .rewind, kept running: point any Cognito client at it)',
  );
}
