import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalStringify } from '../model/json.js';
import type { ChangeRecord } from './changeRecord.js';

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** The hash of a record covers every field but `hash` itself, in canonical JSON. */
export function recordHash(record: Omit<ChangeRecord, 'hash'> | ChangeRecord): string {
  const { hash: _ignored, ...body } = record as ChangeRecord;
  return sha256Hex(canonicalStringify(body));
}
