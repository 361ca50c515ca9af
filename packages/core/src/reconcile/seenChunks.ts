import { CheckpointCorruptError } from '../errors.js';
import type { CheckpointStore } from '../ports.js';
import { type ReconcileRun, seenChunkName } from './reconcileCheckpoint.js';
import { decodeHashes } from './seenSet.js';

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
