import type { ChangeRecord } from '../../changes/changeRecord.js';

/**
 * One journal line is `<key>\t<record>\n`: the key is the JSON array
 * `[id, validFrom, entity, version, eventId?]` (the CloudTrail event id, when the record has one),
 * the record is the whole `ChangeRecord` as JSON. JSON never contains a raw tab or newline, so both
 * columns split unambiguously, and an index over a large journal is built by parsing only the short key
 * column.
 */
export const TAB = 0x09;
export const NEWLINE = 0x0a;

export interface JournalKey {
  id: string;
  validFrom: string;
  entity: string;
  version: number;
  eventId?: string;
}

export function encodeLine(record: ChangeRecord): string {
  const eventId = record.event?.eventId;
  const key = [record.id, record.validFrom, record.entity, record.version];
  if (eventId !== undefined) key.push(eventId);
  return `${JSON.stringify(key)}\t${JSON.stringify(record)}\n`;
}

/** Decodes a key column; undefined when it is not one. */
export function decodeKey(text: string): JournalKey | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length < 4 || value.length > 5) return undefined;
  const [id, validFrom, entity, version, eventId] = value as unknown[];
  if (typeof id !== 'string' || typeof validFrom !== 'string' || typeof entity !== 'string') return undefined;
  if (typeof version !== 'number') return undefined;
  if (eventId === undefined) return { id, validFrom, entity, version };
  if (typeof eventId !== 'string') return undefined;
  return { id, validFrom, entity, version, eventId };
}
