import type { ChangeRecord } from '../changes/changeRecord.js';
import { sha256Hex } from '../changes/hash.js';
import type { EntityKey } from '../model/entityKey.js';
import { canonicalStringify } from '../model/json.js';

/**
 * What the log says of each entity's versions (index version − 1), once its chain has been checked,
 * packed small so that memory is a few dozen bytes a record, never the records: see `logged`.
 */
export type ChainHashes = Map<EntityKey, string[]>;

/** The first 32 hex digits of a sha256: 128 bits, plenty to tell versions and documents apart. */
const HASH_CHARS = 32;

/**
 * One version as verify keeps it: its hash, a digest of its after-image, and the latest validFrom of
 * versions 1..v (base 36 ms). A snapshot taken at or after that time holds exactly this after-image;
 * one taken before holds a past the after-image no longer shows (a record that arrived late).
 */
export const packVersion = (record: ChangeRecord, prefixValidFrom: number): string =>
  `${record.hash.slice(0, HASH_CHARS)}${docDigest(record.after)}${prefixValidFrom.toString(36)}`;

export const docDigest = (doc: unknown): string =>
  sha256Hex(canonicalStringify(doc ?? null)).slice(0, HASH_CHARS);

export const unpackVersion = (packed: string) => ({
  hash: packed.slice(0, HASH_CHARS),
  doc: packed.slice(HASH_CHARS, 2 * HASH_CHARS),
  allValidBy: Number.parseInt(packed.slice(2 * HASH_CHARS), 36),
});

export const sameHash = (packed: string | undefined, hash: string | null): boolean =>
  packed !== undefined && hash !== null && hash.slice(0, HASH_CHARS) === unpackVersion(packed).hash;
