import { z } from 'zod';
import { CheckpointConflictError, CheckpointCorruptError } from '../errors.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import type { CheckpointStore } from '../ports.js';

/** Where a reconcile of one pool stands, between invocations: `reconcile/<poolId>`. */
export const reconcileCheckpointName = (poolId: string): string => `reconcile/${poolId}`;
/** The hashes of entities one run has seen, one chunk per page: `reconcile/<poolId>/<runId>/<n>`. */
export const seenChunkName = (poolId: string, runId: string, chunk: number): string =>
  `reconcile/${poolId}/${runId}/${chunk}`;

const counts = z.object({
  drift: z.number().int().nonnegative(),
  baselines: z.number().int().nonnegative(),
  deletes: z.number().int().nonnegative(),
  stale: z.number().int().nonnegative(),
});
export type ReconcileCounts = z.infer<typeof counts>;

const run = z.object({
  runId: z.string().min(1),
  /** When the run's first read began: what the log learnt after it may be newer than what it read. */
  startedAt: z.string(),
  /** `settings`: everything but users; `users`: ListUsers pages from `token`; `vanished`: the deletes. */
  phase: z.enum(['settings', 'users', 'vanished']),
  token: z.string().optional(),
  /** The listing started again from the first page (an expired token): earlier pages are counted. */
  relisted: z.boolean().optional(),
  pages: z.number().int().nonnegative(),
  /** Seen-hash chunks written so far (chunk 0: the settings). */
  chunks: z.number().int().nonnegative(),
  /** Optional components the endpoint could not read: their entities are never taken as vanished. */
  notCaptured: z.array(z.string()),
  invocations: z.number().int().positive(),
  counts,
  /** The first few stale verdicts, for the report. */
  staleSamples: z.array(z.string()),
});
export type ReconcileRun = z.infer<typeof run>;

const finished = z.object({
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  counts,
  /** Closed unfinished (too old: see `maxRunAgeMs`); a new run started from the first page. */
  abandoned: z.boolean().optional(),
});

const state = z.object({
  run: run.optional(),
  lastRun: finished.optional(),
  /** Asked for by capture (an event it could not re-read alone) or by a person. */
  requested: z.object({ at: z.string(), reason: z.string() }).optional(),
});
export type ReconcileState = z.infer<typeof state>;

export interface StoredReconcileState {
  state: ReconcileState;
  revision: number | undefined;
}

export async function readReconcileState(
  checkpoints: CheckpointStore,
  poolId: string,
): Promise<StoredReconcileState> {
  const name = reconcileCheckpointName(poolId);
  const stored = await checkpoints.get(name);
  if (stored === undefined) return { state: {}, revision: undefined };
  const parsed = state.safeParse(stored.value);
  if (!parsed.success)
    throw new CheckpointCorruptError(name, parsed.error.issues[0]?.message ?? 'not a reconcile state');
  return { state: parsed.data, revision: stored.revision };
}

export async function writeReconcileState(
  checkpoints: CheckpointStore,
  poolId: string,
  stored: StoredReconcileState,
): Promise<StoredReconcileState> {
  const revision = await checkpoints.put(
    reconcileCheckpointName(poolId),
    stored.state as unknown as JsonObject,
    stored.revision,
  );
  return { state: stored.state, revision };
}

/**
 * Writes `update(state)` over the state as last read. When the put loses only to a request (the run
 * in the store is still the one this invocation last wrote), the request is kept and the update made
 * again on top of it; when another invocation moved the run, `CheckpointConflictError` stands.
 */
export async function updateReconcileState(
  checkpoints: CheckpointStore,
  poolId: string,
  stored: StoredReconcileState,
  update: (state: ReconcileState) => ReconcileState,
): Promise<StoredReconcileState> {
  try {
    return await writeReconcileState(checkpoints, poolId, { ...stored, state: update(stored.state) });
  } catch (error) {
    if (!(error instanceof CheckpointConflictError)) throw error;
    const fresh = await readReconcileState(checkpoints, poolId);
    const runOf = (state: ReconcileState) => (state.run ?? null) as JsonObject | null;
    if (!deepEqual(runOf(fresh.state) ?? undefined, runOf(stored.state) ?? undefined)) throw error;
    return writeReconcileState(checkpoints, poolId, { ...fresh, state: update(fresh.state) });
  }
}
