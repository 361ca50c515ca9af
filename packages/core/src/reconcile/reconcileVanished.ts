import { readLiveEntity } from '../cognito/readLiveEntity.js';
import { parseEntityKey } from '../model/entityKey.js';
import type { OptionalComponent } from '../model/poolState.js';
import { recordedEntities } from '../replay/recordedEntities.js';
import type { ReconcileCounts, ReconcileRun } from './reconcileCheckpoint.js';
import { reconcileEntity, tally } from './reconcileEntity.js';
import type { ReconcileDeps } from './reconcilePool.js';
import { COMPONENT_KINDS } from './reconcileScan.js';
import { seenChunks } from './seenChunks.js';
import { SeenSet } from './seenSet.js';

/**
 * The last phase of a run: every entity the recorded state holds that no page of the run saw is
 * gone from Cognito, and gets a delete record. Stamped against the run's start (the earliest page):
 * an entity the log learnt of after that (created, captured) is judged stale, not deleted.
 */
export async function findVanished(
  deps: ReconcileDeps,
  poolId: string,
  run: ReconcileRun,
): Promise<{ counts: ReconcileCounts; staleSamples: string[] }> {
  const seen = new SeenSet(await seenChunks(deps, poolId, run));
  const unread = new Set(
    run.notCaptured.flatMap((component) => COMPONENT_KINDS[component as OptionalComponent] ?? []),
  );
  let counts = run.counts;
  const stale: string[] = [];
  const arn = String((await deps.reader.describeUserPool(poolId)).Arn ?? '');
  const live = {
    reader: deps.reader,
    poolId,
    arn,
    paced: <T>(_op: string, call: () => Promise<T>) => call(),
    userMfa: false,
  };
  // The state when the run began: what was created since may not be on any page the run read.
  for await (const { key } of await recordedEntities(deps, poolId, run.startedAt)) {
    if (seen.has(key) || unread.has(parseEntityKey(key).kind)) continue;
    // Deletions are rare: each candidate is confirmed by one read of it before a delete is written,
    // so nothing a listing missed (a page Cognito skipped, a collision) is ever recorded as gone.
    if ((await readLiveEntity(live, key)) !== null) continue;
    const times = { readAt: run.startedAt, runStartedAt: run.startedAt, runId: run.runId };
    const outcome = await reconcileEntity(deps, poolId, key, () => null, times);
    counts = tally(counts, outcome, stale, key);
  }
  return { counts, staleSamples: stale };
}
