import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { readAllBytes, toArray } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { ChangeLogCorruptError } from '../errors.js';
import { deltasPrefix } from '../layout/storeLayout.js';
import { TestHistory } from '../replay/testHistory.testing.js';
import { archiveRecords } from './archiveRecords.js';
import { SegmentChangeLog } from './segmentChangeLog.js';

const POOL = 'us-east-1_Segments';
const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();
const clockAt = (iso: string) => ({ now: () => new Date(iso) });

/** Three hours of changes, archived hourly (each segment a few minutes after its hour ends). */
async function archived() {
  const blobs = new MemoryBlobStore();
  const log = new MemoryChangeLog();
  const history = new TestHistory(POOL);
  const batches: ChangeRecord[][] = [];
  for (let hour = 0; hour < 3; hour++) {
    const batch: ChangeRecord[] = [];
    for (let minute = 0; minute < 60; minute += 10)
      for (const user of ['ann', 'bo']) {
        const at = new Date(Date.UTC(2024, 4, 1, 10 + hour, minute)).toISOString();
        batch.push(history.change(`user:${user}`, { hour, minute }, at) as ChangeRecord);
      }
    for (const record of batch) await log.append(record);
    await archiveRecords(
      blobs,
      POOL,
      batch,
      clockAt(new Date(Date.UTC(2024, 4, 1, 11 + hour, 5)).toISOString()),
    );
    batches.push(batch);
  }
  return { blobs, log, history, batches };
}

describe('delta segments', () => {
  it('lays segments out under the hour they were archived in, gzip NDJSON', async () => {
    const { blobs } = await archived();
    const keys = (await toArray(blobs.list(deltasPrefix(POOL)))).map((b) => b.key);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(
      /^cognito-backup\/us-east-1_Segments\/deltas\/2024\/05\/01\/11\/[0-9A-Z]{26}\.ndjson\.gz$/,
    );
    const bytes = await readAllBytes(await blobs.get(keys[0] ?? ''));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  });

  it('answers every read as the change log does', async () => {
    const { blobs, log } = await archived();
    const segments = new SegmentChangeLog(blobs);
    const same = async (a: AsyncIterable<ChangeRecord>, b: AsyncIterable<ChangeRecord>) =>
      expect(await toArray(a)).toStrictEqual(await toArray(b));
    await same(segments.timeline(POOL), log.timeline(POOL));
    await same(
      segments.timeline(POOL, { after: t(70), upTo: t(130) }),
      log.timeline(POOL, { after: t(70), upTo: t(130) }),
    );
    await same(segments.entityHistory(POOL, 'user:bo'), log.entityHistory(POOL, 'user:bo'));
    expect(await segments.head(POOL, 'user:ann')).toStrictEqual(await log.head(POOL, 'user:ann'));
    expect(await segments.head(POOL, 'user:nobody')).toBeUndefined();
    await expect(segments.append({} as ChangeRecord)).rejects.toThrow(/read-only/);
  });

  it('reads only the segments archived after a time-stamped position, and counts a repeated record once', async () => {
    const { blobs, batches } = await archived();
    const last = batches[2] ?? [];
    // An archiver that retried: the last hour's first records archived twice.
    await archiveRecords(blobs, POOL, last.slice(0, 3), clockAt('2024-05-01T13:06:00.000Z'));
    const gets: string[] = [];
    const counting = Object.assign(Object.create(blobs), {
      get: (key: string) => {
        gets.push(key);
        return blobs.get(key);
      },
    });
    const segments = new SegmentChangeLog(counting);
    const since = await toArray(segments.appendedSince(POOL, '2024-05-01T13:00:00.000Z'));
    expect(since.map((r) => r.id).sort()).toEqual(last.map((r) => r.id).sort());
    expect(gets).toHaveLength(2);
    gets.length = 0;
    const upTo = await toArray(
      segments.appendedSince(POOL, '2024-05-01T13:00:00.000Z', { validUpTo: t(130) }),
    );
    expect(upTo.every((r) => r.validFrom <= t(130))).toBe(true);
    gets.length = 0;
    await toArray(segments.timeline(POOL, { after: t(135) }));
    expect(gets).toHaveLength(2);
  });

  it('reports a damaged segment instead of skipping it', async () => {
    const { blobs } = await archived();
    const [first] = await toArray(blobs.list(deltasPrefix(POOL)));
    const bytes = await readAllBytes(await blobs.get(first?.key ?? ''));
    const broken = new MemoryBlobStore();
    await broken.put(first?.key ?? '', bytes.subarray(0, bytes.length - 20));
    await expect(toArray(new SegmentChangeLog(broken).timeline(POOL))).rejects.toBeInstanceOf(
      ChangeLogCorruptError,
    );
  });
});
