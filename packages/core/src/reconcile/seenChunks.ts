import { CheckpointCorruptError } from '../errors.js';
import type { CheckpointStore } from '../ports.js';
import { type ReconcileRun, seenChunkName } from './reconcileCheckpoint.js';
import { decodeHashes, encodeHashes } from './seenSet.js';

/** Every seen-hash chunk of the run, each whole: a missing or damaged one stops the run, never hides entities. */
export async function seenChunks(
  deps: { checkpoints: CheckpointStore },
  poolId: string,
  run: Pick<ReconcileRun, 'runId' | 'chunks'>,
): Promise<Float64Array[]> {
  const chunks: Float64Array[] = [];
  for (let chunk = 0; chunk < run.chunks; chunk++) {
    const name = seenChunkName(poolId, run.runId, chunk);
    const stored = await deps.checkpoints.get(name);
    const { count, hashes } = stored?.value ?? {};
    const decoded = typeof hashes === 'string' ? decodeHashes(hashes) : undefined;
    if (decoded === undefined || decoded.length !== count)
      throw new CheckpointCorruptError(
        name,
        stored === undefined ? 'missing' : `holds ${decoded?.length ?? 'no'} hashes, not ${String(count)}`,
      );
    chunks.push(decoded);
  }
  return chunks;
}

/**
 * A closed run's seen hashes are scratch: dropped, so a pool's checkpoints stay one item plus one run's
 * pages. Best effort — a chunk left behind by a failed delete is unused data, never read again (the
 * next run has another id).
 */
export async function dropChunks(
  checkpoints: CheckpointStore,
  poolId: string,
  run: ReconcileRun,
): Promise<void> {
  for (let chunk = 0; chunk < run.chunks; chunk++)
    await checkpoints.delete(seenChunkName(poolId, run.runId, chunk)).catch(() => undefined);
}

/** A page re-read after a crash replaces the chunk its first reading stored: the newer listing wins. */
export async function putChunk(
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
