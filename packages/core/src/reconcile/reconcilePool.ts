import { monotonicFactory } from 'ulid';
import { inParallel } from '../asyncIterables.js';
import { type PoolSettingsScan, readPoolSettings } from '../backup/readPoolState.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { CheckpointConflictError } from '../errors.js';
import { canonicalUser } from '../model/canonical.js';
import { type EntityKey, entityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog, CheckpointStore, Clock, CognitoReader } from '../ports.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';
import {
  type ReconcileCounts,
  type ReconcileRun,
  readReconcileState,
  type StoredReconcileState,
  seenChunkName,
  updateReconcileState,
} from './reconcileCheckpoint.js';
import { reconcileEntity, tally } from './reconcileEntity.js';
import { findVanished } from './reconcileVanished.js';
import { seenChunks } from './seenChunks.js';
import { encodeHashes, keyHash, SeenSet } from './seenSet.js';

export interface ReconcileDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  /** The recorded state the vanished phase walks (newest snapshot + records since). */
  snapshots: SnapshotStore;
  checkpoints: CheckpointStore;
  clock: Clock;
}

export interface ReconcilePoolOptions {
  /** Asked between pages: true ends this invocation after a checkpoint (a Lambda near its timeout). */
  shouldStop?: () => boolean;
  /** Users worked on at once within a page (head reads and appends). @default 8 */
  concurrency?: number;
  /**
   * A run started longer ago than this is closed as abandoned and a new one starts: a run that keeps
   * failing on one page must not hold the pool's reconciles forever. @default 48 hours
   */
  maxRunAgeMs?: number;
  /**
   * A change Cognito dates within this long before the read is left to capture: its CloudTrail event
   * may still be on its way (about 5 minutes in AWS), and it will record the change with its cause.
   * Past it, what no event explained is drift of unknown cause. The Lambda handler passes its
   * setting (15 minutes by default); 0 records every difference at once. @default 0
   */
  graceMs?: number;
}

const MAX_RUN_AGE_MS = 48 * 3_600_000;

function tooOld(run: ReconcileRun, clock: Clock, options: ReconcilePoolOptions): boolean {
  return clock.now().getTime() - Date.parse(run.startedAt) > (options.maxRunAgeMs ?? MAX_RUN_AGE_MS);
}

/** Closes a run that never finished: `lastRun` says so, and the next run starts from the first page. */
async function abandonRun(
  deps: ReconcileDeps,
  poolId: string,
  stored: StoredReconcileState,
): Promise<StoredReconcileState> {
  const run = stored.state.run;
  if (run === undefined) return stored;
  const finishedAt = deps.clock.now().toISOString();
  await dropChunks(deps.checkpoints, poolId, run);
  return updateReconcileState(deps.checkpoints, poolId, stored, ({ run: _old, ...rest }) => ({
    ...rest,
    lastRun: { runId: run.runId, startedAt: run.startedAt, finishedAt, counts: run.counts, abandoned: true },
  }));
}

export interface ReconcileResult {
  poolId: string;
  runId: string;
  /** When the run began (the first invocation). */
  startedAt: string;
  /** False: stopped at a checkpoint; the next invocation continues the run. */
  done: boolean;
  /** This invocation continued a run an earlier one started. */
  resumed: boolean;
  /** ListUsers pages read by the whole run so far. */
  pages: number;
  /** Counts of the whole run so far: each drift is counted once, however many invocations it took. */
  counts: ReconcileCounts;
  /** The first few entities whose read was older than the log (kept as recorded). */
  staleSamples: string[];
  /** Why this invocation stopped early: another invocation holds the run. */
  superseded?: string;
}

const STALE_SAMPLES = 20;
const nextRunId = monotonicFactory();

/**
 * A reconcile: a full read of the pool by list operations (ListUsers pages, ListUsersInGroup per
 * group; never one admin call per user, which spends per-user budgets and adds to the bill), diffed
 * page by page against the chain heads, writing drift as `source: reconcile` records through the
 * never-regress rule, then deletes for what the log holds and Cognito no longer does.
 *
 * Resumable: after every page the position (the ListUsers token) and the hashes of what the page
 * held go to the checkpoint store, so a run too large for one invocation continues in the next,
 * neither starting over nor counting twice (a page re-read after a crash finds its drift already
 * recorded: `unchanged`). Memory holds a page, the group memberships, and 8 bytes per entity seen.
 *
 * Users' MFA settings are not read (that would be AdminGetUser per user): they come from capture,
 * and a reconcile keeps the recorded ones.
 */
export async function reconcilePool(
  deps: ReconcileDeps,
  poolId: string,
  options: ReconcilePoolOptions = {},
): Promise<ReconcileResult> {
  const shouldStop = options.shouldStop ?? (() => false);
  let stored = await readReconcileState(deps.checkpoints, poolId);
  const resumed = stored.state.run !== undefined && !tooOld(stored.state.run, deps.clock, options);
  const abandoned = stored.state.run !== undefined && tooOld(stored.state.run, deps.clock, options);
  if (abandoned) stored = await abandonRun(deps, poolId, stored);
  let run: ReconcileRun = stored.state.run
    ? { ...stored.state.run, invocations: stored.state.run.invocations + 1 }
    : newRun(deps.clock);
  const save = async (next: ReconcileRun) => {
    stored = await updateReconcileState(deps.checkpoints, poolId, stored, (state) => ({
      ...state,
      run: next,
    }));
    run = next;
  };
  const result = (done: boolean, superseded?: string): ReconcileResult => ({
    poolId,
    runId: run.runId,
    startedAt: run.startedAt,
    done,
    resumed,
    pages: run.pages,
    counts: run.counts,
    staleSamples: run.staleSamples,
    ...(superseded === undefined ? {} : { superseded }),
  });
  try {
    await save(run);
    if (run.phase !== 'vanished') run = await readPhases(deps, poolId, run, { ...options, shouldStop, save });
    if (shouldStop()) return result(false);
    const { counts, staleSamples } = await findVanished(deps, poolId, run);
    const finishedAt = deps.clock.now().toISOString();
    stored = await updateReconcileState(
      deps.checkpoints,
      poolId,
      stored,
      ({ run: _done, requested, ...rest }) => ({
        ...rest,
        // Asked for while this run read the pool: what prompted it may be after the pages read.
        ...(requested !== undefined && requested.at > run.startedAt ? { requested } : {}),
        lastRun: { runId: run.runId, startedAt: run.startedAt, finishedAt, counts },
      }),
    );
    run = { ...run, counts, staleSamples: [...run.staleSamples, ...staleSamples].slice(0, STALE_SAMPLES) };
    await dropChunks(deps.checkpoints, poolId, run);
    return result(true);
  } catch (error) {
    if (error instanceof CheckpointConflictError) return result(false, error.message);
    throw error;
  }
}

/**
 * The settings, then ListUsers pages until the last or until `shouldStop`, each checkpointed by
 * `save`; returns the run as last saved.
 */
async function readPhases(
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

function newRun(clock: Clock): ReconcileRun {
  const now = clock.now();
  return {
    runId: nextRunId(now.getTime()),
    startedAt: now.toISOString(),
    phase: 'settings',
    pages: 0,
    chunks: 0,
    notCaptured: [],
    invocations: 1,
    counts: { drift: 0, baselines: 0, deletes: 0, stale: 0 },
    staleSamples: [],
  };
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
    staleSamples: [...run.staleSamples, ...stale].slice(0, STALE_SAMPLES),
  };
}

interface UsersWork {
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
async function usersPage(work: UsersWork, run: ReconcileRun): Promise<ReconcileRun> {
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
    staleSamples: [...run.staleSamples, ...stale].slice(0, STALE_SAMPLES),
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

/**
 * A closed run's seen hashes are scratch: dropped, so a pool's checkpoints stay one item plus one run's
 * pages. Best effort — a chunk left behind by a failed delete is unused data, never read again (the
 * next run has another id).
 */
async function dropChunks(checkpoints: CheckpointStore, poolId: string, run: ReconcileRun): Promise<void> {
  for (let chunk = 0; chunk < run.chunks; chunk++)
    await checkpoints.delete(seenChunkName(poolId, run.runId, chunk)).catch(() => undefined);
}

/** A page re-read after a crash replaces the chunk its first reading stored: the newer listing wins. */
async function putChunk(
  checkpoints: CheckpointStore,
  name: string,
  hashes: readonly number[],
): Promise<void> {
  // The count lets the vanished phase tell a whole chunk from a damaged one: a chunk lost or cut
  // short would make every entity it held look gone.
  const value = { count: hashes.length, hashes: encodeHashes(hashes) };
  const existing = await checkpoints.get(name);
  await checkpoints.put(name, value, existing?.revision);
}

export type { StoredReconcileState };
