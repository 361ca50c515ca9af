import {
  archiveRecords,
  type ChangeRecord,
  type Clock,
  type JsonObject,
  makeRecord,
  SegmentChangeLog,
  VersionConflictError,
  verifyChain,
} from '@cognito-rewind/core';
import { MemoryBlobStore } from '@cognito-rewind/core/adapters/memory';
import { describe, expect, it } from 'vitest';
import { HeldChangeLog } from './heldChangeLog.js';

const POOL = 'us-east-1_Held12345';
const clock: Clock = { now: () => new Date('2024-06-01T12:00:00.000Z') };

const next = (head: ChangeRecord | undefined, after: JsonObject | null, at: string) =>
  makeRecord({
    poolId: POOL,
    entity: 'group:admins',
    head: { version: head?.version ?? 0, hash: head?.hash ?? null, doc: head?.after ?? null },
    after,
    validFrom: at,
    observedAt: at,
    source: 'restore',
  });

async function bucketWithOneRecord() {
  const blobs = new MemoryBlobStore();
  const first = next(undefined, { Precedence: 1 }, '2024-06-01T10:00:00.000Z');
  await archiveRecords(blobs, POOL, [first], clock);
  return { blobs, first, segments: () => new SegmentChangeLog(blobs, { clock }) };
}

const all = async (records: AsyncIterable<ChangeRecord>) => {
  const out: ChangeRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
};

describe('HeldChangeLog: appends over the bucket alone, read back, then archived', () => {
  it('chains onto the archive, holds the record, and reads it back with the archived ones', async () => {
    const { first, segments } = await bucketWithOneRecord();
    const log = new HeldChangeLog(segments());
    expect(await log.head(POOL, 'group:admins')).toEqual(first);
    const second = next(first, { Precedence: 2 }, '2024-06-01T11:00:00.000Z');
    expect(await log.append(second)).toBe('appended');
    expect(await log.head(POOL, 'group:admins')).toEqual(second);
    const history = await all(log.entityHistory(POOL, 'group:admins'));
    expect(history.map((r) => r.version)).toEqual([1, 2]);
    expect(verifyChain(history)).toEqual([]);
    expect((await all(log.timeline(POOL))).map((r) => r.id)).toEqual([first.id, second.id]);
  });

  it('refuses a record that does not take the next version, as every log does', async () => {
    const { segments } = await bucketWithOneRecord();
    const log = new HeldChangeLog(segments());
    const stale = next(undefined, { Precedence: 9 }, '2024-06-01T11:00:00.000Z');
    await expect(log.append(stale)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await all(log.entityHistory(POOL, 'group:admins'))).toHaveLength(1);
  });

  it('what it held, archived to the bucket, is what the bucket alone reads next time', async () => {
    const { blobs, first, segments } = await bucketWithOneRecord();
    const log = new HeldChangeLog(segments());
    const second = next(first, null, '2024-06-01T11:00:00.000Z');
    await log.append(second);
    await archiveRecords(blobs, POOL, [second], clock);
    const reread = await all(segments().entityHistory(POOL, 'group:admins'));
    expect(reread).toEqual([first, second]);
    expect(verifyChain(reread)).toEqual([]);
  });
});

describe('HeldChangeLog: archived as records pile up, so a killed restore loses few', () => {
  it('archives every `every` records to the bucket, and keeps the rest for the end', async () => {
    const { blobs, first, segments } = await bucketWithOneRecord();
    const log = new HeldChangeLog(segments(), {
      every: 2,
      archive: (poolId, records) => archiveRecords(blobs, poolId, records, clock),
    });
    const second = next(first, { Precedence: 2 }, '2024-06-01T11:00:00.000Z');
    const third = next(second, { Precedence: 3 }, '2024-06-01T11:01:00.000Z');
    const fourth = next(third, { Precedence: 4 }, '2024-06-01T11:02:00.000Z');
    await log.append(second);
    expect(log.unarchived()).toEqual([second]);
    await log.append(third);
    expect(log.unarchived()).toEqual([]);
    expect(await all(segments().entityHistory(POOL, 'group:admins'))).toEqual([first, second, third]);
    await log.append(fourth);
    expect(log.unarchived()).toEqual([fourth]);
  });

  it('a failed archive keeps its records for the next', async () => {
    const { first, segments } = await bucketWithOneRecord();
    const log = new HeldChangeLog(segments(), {
      every: 1,
      archive: async () => {
        throw new Error('bucket unreachable');
      },
    });
    const second = next(first, { Precedence: 2 }, '2024-06-01T11:00:00.000Z');
    expect(await log.append(second)).toBe('appended');
    expect(log.unarchived()).toEqual([second]);
  });
});
