import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { EntityKey } from '../model/entityKey.js';

/**
 * The entities a reconcile run has seen in Cognito, as 52-bit hashes of their keys: 8 bytes an entity
 * in memory and in checkpoints, where the keys themselves could be hundreds. A collision (about 1 in
 * 10,000 for a million users) can only hide a vanished entity from this run, never invent a deletion:
 * the next run, with other neighbours, finds it.
 */
export function keyHash(key: EntityKey): number {
  const digest = sha256(utf8ToBytes(key));
  // 52 bits: every such integer is exact in a double, so the hashes pack into a Float64Array.
  let value = (digest[0] ?? 0) & 0x0f;
  for (let i = 1; i < 7; i++) value = value * 256 + (digest[i] ?? 0);
  return value;
}

/** A chunk of hashes as checkpoint text (base64 of the doubles; chunks are one page, so small). */
export function encodeHashes(hashes: readonly number[]): string {
  const bytes = new Uint8Array(Float64Array.from(hashes).buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function decodeHashes(text: string): Float64Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float64Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 8));
}

/** Every hash of a run, sorted once, then asked by binary search. */
export class SeenSet {
  private readonly sorted: Float64Array;

  constructor(chunks: readonly Float64Array[]) {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    this.sorted = new Float64Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      this.sorted.set(chunk, offset);
      offset += chunk.length;
    }
    this.sorted.sort();
  }

  get size(): number {
    return this.sorted.length;
  }

  has(key: EntityKey): boolean {
    const hash = keyHash(key);
    let low = 0;
    let high = this.sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.sorted[middle] as number;
      if (value === hash) return true;
      if (value < hash) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}
