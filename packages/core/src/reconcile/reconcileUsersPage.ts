import { inParallel } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import type { PoolSettingsScan } from '../cognito/readPoolState.js';
import { canonicalUser } from '../model/canonical.js';
import { type EntityKey, entityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { CognitoReader } from '../ports.js';
import { type ReconcileRun, seenChunkName } from './reconcileCheckpoint.js';
import { reconcileEntity, tally } from './reconcileEntity.js';
import type { ReconcileDeps } from './reconcilePool.js';
import { withStaleSamples } from './reconcileRun.js';
import { putChunk, seenChunks } from './seenChunks.js';
import { keyHash, SeenSet } from './seenSet.js';

export interface UsersWork {
  /** The entities of the run's earlier pages, once the listing started again (see `usersPageFrom`). */
  counted?: SeenSet;
  deps: ReconcileDeps;
  poolId: string;
  settings: PoolSettingsScan;
  readAt: string;
  graceMs: number;
  concurrency: number;
}

/** One ListUsers page: each user diffed against its head, the page's hashes stored, the token moved on. */
export async function usersPage(work: UsersWork, run: ReconcileRun): Promise<ReconcileRun> {
  const { deps, poolId, settings, readAt } = work;
  const { page, relisted } = await usersPageFrom(deps.reader, poolId, run.token);
  // Listed again from the first page: what earlier pages held is counted already.
  if (relisted || (run.relisted === true && work.counted === undefined))
    work.counted = new SeenSet(await seenChunks(deps, poolId, run));
  const counted =
    work.counted === undefined ? {} : { counted: (key: EntityKey) => work.counted?.has(key) === true };
  let counts = run.counts;
  const stale: string[] = [];
  const hashes: number[] = [];
  const users = page.users.filter((user) => user.Username !== undefined);
  await inParallel(users, work.concurrency, async (user) => {
    const username = user.Username as string;
    const key = entityKey('user', username);
    hashes.push(keyHash(key));
    const listedGroups = settings.memberships.get(username) ?? [];
    const outcome = await reconcileEntity(
      deps,
      poolId,
      key,
      (head) => userDoc(user, listedGroups, head, readAt),
      // The page was read after the memberships: the earlier instant is when this document's read began.
      { readAt, runStartedAt: run.startedAt, runId: run.runId, graceMs: work.graceMs, ...counted },
    );
    counts = tally(counts, outcome, stale, key);
  });
  await putChunk(deps.checkpoints, seenChunkName(poolId, run.runId, run.chunks), hashes);
  const { token: _token, ...rest } = run;
  return {
    ...rest,
    ...(page.next === undefined ? { phase: 'vanished' as const } : { token: page.next }),
    pages: run.pages + 1,
    chunks: run.chunks + 1,
    ...(relisted ? { relisted: true } : {}),
    counts,
    staleSamples: withStaleSamples(run.staleSamples, stale),
  };
}

/**
 * One ListUsers page. A token from an earlier invocation may have expired (Cognito answers
 * InvalidParameterException, "Paging marker … is invalid"): the listing starts again from the first
 * page — the pages read again find their drift already recorded, so nothing is written or counted twice.
 */
async function usersPageFrom(
  reader: CognitoReader,
  poolId: string,
  token: string | undefined,
): Promise<{ page: Awaited<ReturnType<CognitoReader['listUsersPage']>>; relisted: boolean }> {
  try {
    return { page: await reader.listUsersPage(poolId, token), relisted: false };
  } catch (error) {
    if (token === undefined || (error as { name?: unknown }).name !== 'InvalidParameterException')
      throw error;
    return { page: await reader.listUsersPage(poolId), relisted: true };
  }
}

/**
 * The user as a full read gives it, with two parts it cannot read fresh: MFA settings (never read
 * here: the recorded ones stay) and memberships, read at the start of this invocation — when the log
 * learnt of a membership after that, the log's list is the newer one.
 */
function userDoc(
  user: Parameters<typeof canonicalUser>[0],
  listedGroups: readonly string[],
  head: ChangeRecord | undefined,
  membershipsReadAt: string,
): JsonObject {
  const recorded = head?.after ?? undefined;
  const recordedGroups = Array.isArray(recorded?.groups) ? (recorded.groups as string[]) : undefined;
  const groups =
    recordedGroups !== undefined && head !== undefined && head.observedAt > membershipsReadAt
      ? recordedGroups
      : listedGroups;
  const doc = canonicalUser(user, groups);
  return recorded?.mfa === undefined ? doc : { ...doc, mfa: recorded.mfa };
}
