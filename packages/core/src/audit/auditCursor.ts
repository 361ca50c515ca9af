import { isCanonicalTime } from '../changes/canonicalTime.js';
import { InvalidInputError } from '../errors.js';
import { compareUtf8 } from '../model/entityKey.js';

/**
 * Where a row sits in the audit's one order. Two streams merge into it: trail entries (every call
 * capture received, at its eventTime) and change records no call explains (reconcile, restore, import,
 * at their validFrom). Order: time, then trail before change log at the same millisecond, then id.
 * Ids are unique within each stream, so positions are totally ordered and a cursor (the last row's
 * position) resumes exactly after it.
 */
export interface AuditPosition {
  time: string;
  /** 0: a trail entry (id = eventId); 1: a change record (id = record id). */
  stream: 0 | 1;
  id: string;
}

export function compareAuditPositions(a: AuditPosition, b: AuditPosition): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.stream !== b.stream) return a.stream - b.stream;
  return Math.sign(compareUtf8(a.id, b.id));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** base64url of `[time, stream, id]`: opaque, and safe as a shell argument. */
export function encodeAuditCursor(position: AuditPosition): string {
  let binary = '';
  for (const byte of encoder.encode(JSON.stringify([position.time, position.stream, position.id])))
    binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function decodeAuditCursor(cursor: string): AuditPosition {
  const bad = () =>
    new InvalidInputError(`--cursor ${JSON.stringify(cursor)} is not a cursor printed by restore-cli audit`);
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    value = JSON.parse(decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== 3) throw bad();
  const [time, stream, id] = value as unknown[];
  if (typeof time !== 'string' || !isCanonicalTime(time)) throw bad();
  if ((stream !== 0 && stream !== 1) || typeof id !== 'string' || id === '') throw bad();
  return { time, stream, id };
}
