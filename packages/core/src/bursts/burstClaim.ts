import { CheckpointConflictError } from '../errors.js';
import type { CheckpointStore } from '../ports.js';
import type { Burst } from './detectBursts.js';

/**
 * Where concurrent capture invocations agree on which bursts were announced: one checkpoint per pool
 * and caller, holding the span of the last burst announced. Checkpoint puts are conditional (the
 * revision read, or "must not exist"), so of two invocations that see the same new burst exactly one
 * wins the put and announces it; the other re-reads, finds it, and stays quiet.
 */

const SEGMENT_UNSAFE = /[^A-Za-z0-9_.-]/g;

/** FNV-1a, 32 bits: keeps two callers apart whose names read alike once made safe for a path. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The checkpoint of a pool and caller: `bursts/<pool>/<caller made path-safe>-<hash>`. */
export function burstCheckpointName(poolId: string, caller: string): string {
  const safe = caller.replace(SEGMENT_UNSAFE, '_').slice(-200);
  return `bursts/${poolId.replace(SEGMENT_UNSAFE, '_')}/${safe}-${fnv1a(caller)}`;
}

interface Span {
  start: string;
  end: string;
}

const spanOf = (value: Record<string, unknown>): Span | undefined =>
  typeof value.start === 'string' && typeof value.end === 'string'
    ? { start: value.start, end: value.end }
    : undefined;

/** Whether two spans are one burst: they overlap, or the gap between them is under one window. */
const sameBurst = (a: Span, b: Span, windowMs: number): boolean =>
  Date.parse(a.start) - windowMs < Date.parse(b.end) && Date.parse(b.start) - windowMs < Date.parse(a.end);

/** What claiming a burst found: announce it (`release` undoes the claim if announcing fails), or not. */
export type BurstClaim = { announce: true; release: () => Promise<void> } | { announce: false };

const ATTEMPTS = 5;

const earlier = (a: string, b: string): string => (a < b ? a : b);
const later = (a: string, b: string): string => (a > b ? a : b);

/**
 * Claims the right to announce `burst`. A burst continuing the one last announced for its caller
 * (same span, give or take a window) is not announced again; its stored span grows instead, so a
 * burst that goes on for an hour is announced once.
 */
export async function claimBurst(
  checkpoints: CheckpointStore,
  burst: Burst,
  windowMs: number,
): Promise<BurstClaim> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await claimOnce(checkpoints, burst, windowMs);
    } catch (error) {
      if (!(error instanceof CheckpointConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** One read-then-conditional-put; `CheckpointConflictError` when another invocation put in between. */
async function claimOnce(checkpoints: CheckpointStore, burst: Burst, windowMs: number): Promise<BurstClaim> {
  const name = burstCheckpointName(burst.poolId, burst.caller);
  const current = await checkpoints.get(name);
  const known = current === undefined ? undefined : spanOf(current.value);
  if (known !== undefined && sameBurst(known, burst, windowMs)) {
    const grown = { start: earlier(burst.start, known.start), end: later(burst.end, known.end) };
    if (grown.start !== known.start || grown.end !== known.end)
      await checkpoints.put(name, grown, current?.revision);
    return { announce: false };
  }
  const revision = await checkpoints.put(name, { start: burst.start, end: burst.end }, current?.revision);
  const release = async () => {
    if (current === undefined) await checkpoints.delete(name);
    else await checkpoints.put(name, current.value, revision);
  };
  return { announce: true, release };
}
