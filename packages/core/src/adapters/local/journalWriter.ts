import { open } from 'node:fs/promises';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { checkAppendable } from '../../changes/recordSchema.js';
import { InvalidInputError, VersionConflictError } from '../../errors.js';
import type { JournalIndex } from './journalIndex.js';
import { encodeLine } from './journalLine.js';

/** Lines are gathered into writes of about this size: few syscalls, bounded memory for big batches. */
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;

/** What the journal needs to index and order a record; refused before anything is written. */
export function checkRecord(record: ChangeRecord, poolId: string): void {
  checkAppendable(record);
  if (record.poolId !== poolId)
    throw new InvalidInputError(
      `change record ${record.id} is for pool ${record.poolId}; appendMany takes one pool at a time`,
    );
}

/** Appends one line per record to `journal` (the caller holds its lock), fsynced when `durable`. */
export async function appendLines(
  journal: string,
  records: readonly ChangeRecord[],
  durable: boolean,
): Promise<void> {
  const handle = await open(journal, 'a');
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = async () => {
      const bytes = Buffer.from(pending.join(''));
      let written = 0;
      while (written < bytes.length) written += (await handle.write(bytes, written)).bytesWritten;
      pending = [];
      pendingLength = 0;
    };
    for (const record of records) {
      const line = encodeLine(record);
      pending.push(line);
      pendingLength += line.length;
      if (pendingLength >= WRITE_CHUNK_BYTES) await flush();
    }
    await flush();
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Refuses the batch when any (entity, version) is taken or repeated, or any repeats an event its entity holds. */
export function refuseTaken(index: JournalIndex, records: readonly ChangeRecord[]): void {
  const batch = new Set<string>();
  for (const record of records) {
    const { entity, version } = record;
    const id = `${version}:${entity}`;
    if (index.has(entity, version) || batch.has(id)) throw new VersionConflictError(entity, version);
    batch.add(id);
    const eventId = record.event?.eventId;
    if (eventId === undefined) continue;
    const event = `event:${entity}\u0000${eventId}`;
    if (index.hasEvent(entity, eventId) || batch.has(event))
      throw new InvalidInputError(`change record ${record.id} repeats event ${eventId} of ${entity}`);
    batch.add(event);
  }
}

/** A record that repeats an event its entity holds: written once already (a redelivery). */
export const isDuplicate = (index: JournalIndex, record: ChangeRecord): boolean =>
  record.event?.eventId !== undefined && index.hasEvent(record.entity, record.event.eventId);
