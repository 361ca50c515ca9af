import { type ChangeRecord, type Clock, makeRecord, SegmentChangeLog, toArray } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivePool } from '../archive/archivePool.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { type HandlerDeps, handlerDepsFromEnv } from './handlerDepsFromEnv.js';

/**
 * The handlers as Lambda wires them (`handlerDepsFromEnv`), on two machines sharing one store, one of
 * them with a clock minutes off. dynalite and s3rver run here: their Date headers carry the true time.
 */
const MINUTE = 60_000;
const shifted = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });

let stack: LoopbackStack;
const opened: HandlerDeps[] = [];

beforeAll(async () => {
  stack = await startLoopbackStack({ cognito: false });
}, 60_000);

afterAll(async () => {
  for (const deps of opened.splice(0)) deps.close();
  await stack?.stop();
});

let pools = 0;

function created(poolId: string, name: string, validFrom: string): ChangeRecord {
  return makeRecord({
    poolId,
    entity: `group:${name}`,
    head: { version: 0, hash: null, doc: null },
    after: { GroupName: name },
    validFrom,
    observedAt: validFrom,
    source: 'cloudtrail',
  });
}

describe.each([
  ['a capture container whose clock is 10 minutes behind', { archiver: 0, capture: -10 * MINUTE }],
  ['an archive container whose clock is 10 minutes ahead', { archiver: 10 * MINUTE, capture: 0 }],
  ['an archive container whose clock is 10 minutes behind', { archiver: -10 * MINUTE, capture: 0 }],
])('%s', (_name, skew) => {
  it('archives every record by the next run, where a replay from the bucket alone finds it', async () => {
    pools += 1;
    const poolId = `us-east-1_Skew${pools}`;
    const archiver = handlerDepsFromEnv(stack.env, shifted(skew.archiver));
    const capture = handlerDepsFromEnv(stack.env, shifted(skew.capture));
    opened.push(archiver, capture);

    const early = created(poolId, 'early', new Date(Date.now() - 30 * MINUTE).toISOString());
    expect(await capture.changeLog.append(early)).toBe('appended');
    const first = await archivePool(archiver, poolId);
    expect(first.records).toBe(1);
    // A change made a minute ago whose event reached capture only after that archive run.
    const late = created(poolId, 'late', new Date(Date.now() - MINUTE).toISOString());
    expect(await capture.changeLog.append(late)).toBe('appended');
    await archivePool(archiver, poolId);

    // What a DR region holds: the bucket alone.
    const bucket = new SegmentChangeLog(stack.blobs);
    const archived = [];
    for (const key of await bucket.segments(poolId)) archived.push(...(await bucket.read(key)));
    expect(new Set(archived.map((record) => record.entity))).toEqual(new Set(['group:early', 'group:late']));
    // A replay from a snapshot taken before the late change reads only the segments archived since.
    const snapshotAt = new Date(Date.parse(late.validFrom) - 30_000).toISOString();
    const since = await toArray(bucket.timeline(poolId, { after: snapshotAt }));
    expect(since.map((record) => record.entity)).toEqual(['group:late']);
  });
});
