import { type PoolSettingsScan, readPoolSettings } from '../cognito/readPoolState.js';
import { type ReconcileRun, seenChunkName } from './reconcileCheckpoint.js';
import { reconcileEntity, tally } from './reconcileEntity.js';
import type { ReconcileDeps, ReconcilePoolOptions } from './reconcilePool.js';
import { withStaleSamples } from './reconcileRun.js';
import { type UsersWork, usersPage } from './reconcileUsersPage.js';
import { putChunk } from './seenChunks.js';
import { keyHash } from './seenSet.js';

/**
 * The settings, then ListUsers pages until the last or until `shouldStop`, each checkpointed by
 * `save`; returns the run as last saved.
 */
export async function readPhases(
  deps: ReconcileDeps,
  poolId: string,
  start: ReconcileRun,
  options: ReconcilePoolOptions & { shouldStop: () => boolean; save: (run: ReconcileRun) => Promise<void> },
): Promise<ReconcileRun> {
  let run = start;
  const save = async (next: ReconcileRun) => {
    await options.save(next);
    run = next;
  };
  // This invocation's reads of memberships begin here: user documents hold them (undated).
  const readAt = deps.clock.now().toISOString();
  const settings = await readPoolSettings(deps.reader, poolId);
  const graceMs = options.graceMs ?? 0;
  if (run.phase === 'settings')
    await save(await settingsPhase(deps, poolId, run, settings, { readAt, graceMs }));
  const work: UsersWork = {
    deps,
    poolId,
    settings,
    readAt,
    graceMs,
    concurrency: options.concurrency ?? 8,
  };
  while (run.phase === 'users' && !options.shouldStop()) await save(await usersPage(work, run));
  return run;
}

/** Everything but users, read whole: diffed, and its keys written as the run's chunk 0 of seen hashes. */
async function settingsPhase(
  deps: ReconcileDeps,
  poolId: string,
  run: ReconcileRun,
  settings: PoolSettingsScan,
  { readAt, graceMs }: { readAt: string; graceMs: number },
): Promise<ReconcileRun> {
  let counts = run.counts;
  const stale: string[] = [];
  for (const { key, doc } of settings.entities) {
    const outcome = await reconcileEntity(deps, poolId, key, () => doc, {
      readAt,
      runStartedAt: run.startedAt,
      runId: run.runId,
      graceMs,
    });
    counts = tally(counts, outcome, stale, key);
  }
  await putChunk(
    deps.checkpoints,
    seenChunkName(poolId, run.runId, 0),
    settings.entities.map(({ key }) => keyHash(key)),
  );
  return {
    ...run,
    phase: 'users',
    chunks: 1,
    notCaptured: settings.notCaptured,
    counts,
    staleSamples: withStaleSamples(run.staleSamples, stale),
  };
}
