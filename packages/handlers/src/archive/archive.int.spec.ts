import {
  type ChangeRecord,
  type CheckpointStore,
  type Clock,
  makeRecord,
  SegmentChangeLog,
  toArray,
} from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';
import { archiveCheckpointName } from './archivePool.js';
import { type ArchiveHandlerDeps, createArchiveHandler } from './createArchiveHandler.js';

// The change log dates appends and positions by this clock, and the archiver names segments by it:
// moving it past the log's position lag (5 minutes) is what lets a re-run find nothing new.
let now = Date.parse('2025-06-01T12:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
const minutes = (n: number) => {
  now += n * 60_000;
};

let stack: LoopbackStack;
let segments: SegmentChangeLog;

beforeAll(async () => {
  stack = await startLoopbackStack({ cognito: false, clock });
  segments = new SegmentChangeLog(stack.blobs, { clock });
}, 60_000);

afterAll(() => stack?.stop());

let groups = 0;

/** `count` new groups, each one first record, appended to the change log now. */
async function appendGroups(poolId: string, count: number): Promise<ChangeRecord[]> {
  const records: ChangeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(now).toISOString();
    const name = `group-${++groups}`;
    const record = makeRecord({
      poolId,
      entity: `group:${name}`,
      head: { version: 0, hash: null, doc: null },
      after: { GroupName: name, Precedence: i },
      validFrom: at,
      observedAt: at,
      source: 'reconcile',
    });
    expect(await stack.changeLog.append(record)).toBe('appended');
    records.push(record);
  }
  return records;
}

function archiveRun(pools: string[], overrides: Partial<ArchiveHandlerDeps> = {}) {
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const handler = createArchiveHandler({
    ...stack,
    pools: async () => pools,
    segmentRecords: 3,
    logger,
    metrics,
    ...overrides,
  });
  return { run: () => handler({ source: 'aws.events' }), metrics, logger };
}

/** Every record of every segment of the pool, repeats included. */
async function segmentRecords(poolId: string): Promise<ChangeRecord[][]> {
  return Promise.all((await segments.segments(poolId)).map((key) => segments.read(key)));
}

const sizes = (written: ChangeRecord[][]) => written.map((segment) => segment.length).sort();

const idsOf = (records: readonly ChangeRecord[]) => records.map((r) => r.id).sort();

describe('the archiver', () => {
  it('writes segments of at most the limit, advances the checkpoint, and a re-run archives nothing new', async () => {
    const poolId = 'us-east-1_Archive1';
    const appended = await appendGroups(poolId, 7);
    minutes(10);
    const { run, metrics } = archiveRun([poolId]);

    const first = await run();

    expect(first.pools).toEqual([expect.objectContaining({ poolId, outcome: 'archived', records: 7 })]);
    // Segments of one run share their millisecond, so their keys' order is the ULIDs' random part.
    expect(sizes(await segmentRecords(poolId))).toEqual([1, 3, 3]);
    const position = first.pools[0] && 'position' in first.pools[0] ? first.pools[0].position : undefined;
    expect(await stack.checkpoints.get(archiveCheckpointName(poolId))).toEqual({
      value: { position },
      revision: 1,
    });

    minutes(1);
    const again = await run();
    expect(again.pools).toEqual([expect.objectContaining({ outcome: 'archived', segments: [], records: 0 })]);
    expect(await segmentRecords(poolId)).toHaveLength(3);
    expect(await stack.checkpoints.get(archiveCheckpointName(poolId))).toMatchObject({ revision: 2 });

    const later = await appendGroups(poolId, 2);
    minutes(10);
    const third = await run();
    expect(third.pools).toEqual([expect.objectContaining({ records: 2, segments: [expect.any(String)] })]);
    // The bucket alone now holds the pool's whole history.
    expect(idsOf(await toArray(segments.timeline(poolId)))).toEqual(idsOf([...appended, ...later]));
    expect(metrics.published).toEqual([
      { RecordsArchived: 7, SegmentsWritten: 3, PoolsFailed: 0 },
      { RecordsArchived: 0, SegmentsWritten: 0, PoolsFailed: 0 },
      { RecordsArchived: 2, SegmentsWritten: 1, PoolsFailed: 0 },
    ]);
  });

  it('a crash between the segment and the checkpoint repeats records in a later segment and loses none', async () => {
    const poolId = 'us-east-1_Archive2';
    const appended = await appendGroups(poolId, 4);
    minutes(10);
    let dead = false;
    const dying: CheckpointStore = {
      get: (name) => stack.checkpoints.get(name),
      delete: (name) => stack.checkpoints.delete(name),
      put: async (name) => {
        dead = true;
        throw new Error(`the invocation died before checkpoint ${name} moved (simulated)`);
      },
    };

    const crashed = await archiveRun([poolId], { checkpoints: dying }).run();
    expect(dead).toBe(true);
    expect(crashed.pools).toEqual([
      expect.objectContaining({ poolId, outcome: 'failed', reason: expect.stringContaining('died') }),
    ]);
    expect(await stack.checkpoints.get(archiveCheckpointName(poolId))).toBeUndefined();

    minutes(1);
    const retried = await archiveRun([poolId]).run();
    expect(retried.pools).toEqual([expect.objectContaining({ outcome: 'archived', records: 4 })]);

    const written = await segmentRecords(poolId);
    expect(sizes(written)).toEqual([1, 1, 3, 3]);
    // Every record twice in the bucket, once in what a reader makes of it.
    const read = await toArray(segments.timeline(poolId));
    expect(idsOf(read)).toEqual(idsOf(appended));
    expect(await toArray(segments.entityHistory(poolId, appended[0]?.entity ?? ''))).toEqual([appended[0]]);
  });

  it('one pool failing does not stop the others; of two overlapping runs only one moves the checkpoint', async () => {
    const broken = 'us-east-1_Broken';
    const raced = 'us-east-1_Raced';
    const healthy = 'us-east-1_Healthy';
    await stack.checkpoints.put(archiveCheckpointName(broken), { position: 42 }, undefined);
    await appendGroups(raced, 1);
    await appendGroups(healthy, 1);
    minutes(10);
    // Another run of the archiver moves the raced pool's checkpoint while this one is writing.
    const racing: CheckpointStore = {
      get: (name) => stack.checkpoints.get(name),
      delete: (name) => stack.checkpoints.delete(name),
      put: async (name, value, revision) => {
        if (name === archiveCheckpointName(raced)) await stack.checkpoints.put(name, value, revision);
        return stack.checkpoints.put(name, value, revision);
      },
    };
    const { run, metrics } = archiveRun([broken, raced, healthy], { checkpoints: racing });

    const { pools } = await run();

    expect(pools).toEqual([
      expect.objectContaining({ poolId: broken, outcome: 'failed', error: 'InvalidInputError' }),
      expect.objectContaining({ poolId: raced, outcome: 'failed', error: 'CheckpointConflictError' }),
      expect.objectContaining({ poolId: healthy, outcome: 'archived', records: 1 }),
    ]);
    expect(pools[0]).toMatchObject({ reason: expect.stringContaining(`archive/${broken}`) });
    expect(metrics.published).toEqual([{ RecordsArchived: 1, SegmentsWritten: 1, PoolsFailed: 2 }]);
  });
});
