import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore } from '../adapters/memory/memoryCheckpointStore.js';
import { MemoryEventTrail } from '../adapters/memory/memoryEventTrail.js';
import { catalogueEntry } from '../capture/eventCatalogue.js';
import { InvalidInputError } from '../errors.js';
import type { TrailEntry } from '../trail/trailEntry.js';
import { burstEventDetail } from './burstEvent.js';
import { burstThreshold } from './burstThreshold.js';
import { DESTRUCTIVE_EVENTS } from './destructiveEvents.js';
import { type Burst, detectBursts } from './detectBursts.js';
import { watchBursts } from './watchBursts.js';

const POOL = 'us-east-1_Burst1';
const MALLORY = 'arn:aws:sts::111122223333:assumed-role/ops/mallory';
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const T0 = Date.parse('2026-06-01T10:04:00.000Z');

let n = 0;
function call(at: number, over: Partial<TrailEntry> = {}): TrailEntry {
  n += 1;
  return {
    eventId: `e-${String(n).padStart(6, '0')}`,
    poolId: POOL,
    eventTime: new Date(at).toISOString(),
    receivedAt: new Date(at + 1000).toISOString(),
    eventName: 'AdminDeleteUser',
    eventType: 'AwsApiCall',
    caller: { arn: MALLORY, type: 'AssumedRole' },
    entities: [`user:u${n}`],
    outcome: 'changed',
    changeIds: [`01JAAAAAAAAAAAAAAAAA${String(n).padStart(6, '0')}`],
    ...over,
  };
}

const threshold = burstThreshold({ count: 5, minutes: 2 });

describe('destructive events', () => {
  it('are all catalogued events', () => {
    for (const name of DESTRUCTIVE_EVENTS) expect(catalogueEntry(name), name).toBeDefined();
  });
});

describe('burstThreshold', () => {
  it('takes defaults and whole numbers, and refuses the rest naming where they came from', () => {
    expect(burstThreshold({})).toEqual({ count: 50, minutes: 5 });
    expect(burstThreshold({ count: '3000', minutes: '4' })).toEqual({ count: 3000, minutes: 4 });
    expect(() => burstThreshold({ count: '1.5' }, { count: '--burst-count', minutes: 'm' })).toThrow(
      /--burst-count "1.5" is not a whole number/,
    );
    expect(() => burstThreshold({ minutes: 0 })).toThrow(InvalidInputError);
  });
});

describe('detectBursts', () => {
  it('finds one burst per caller over a sliding window, with counts, entities and undo commands', () => {
    const entries = [
      // 6 destructive calls by mallory in 100 s, straddling 10:05: one burst.
      ...[0, 20, 40, 60, 80].map((s) => call(T0 + 50_000 + s * 1000)),
      call(T0 + 150_000, { eventName: 'AdminRemoveUserFromGroup', entities: ['user:bob'] }),
      // Refused calls and non-destructive calls do not count; alice stays below the threshold.
      call(T0 + 60_000, { errorCode: 'AccessDeniedException', outcome: 'failed' }),
      call(T0 + 61_000, { eventName: 'AdminUpdateUserAttributes' }),
      ...[0, 1, 2, 3].map((s) => call(T0 + s * 1000, { caller: { arn: ALICE } })),
      // Long after: too sparse to be part of it.
      call(T0 + 3_600_000),
    ];
    const bursts = detectBursts(entries.reverse(), threshold);
    expect(bursts).toHaveLength(1);
    const [burst] = bursts as [Burst];
    expect(burst).toMatchObject({
      poolId: POOL,
      caller: MALLORY,
      start: '2026-06-01T10:04:50.000Z',
      end: '2026-06-01T10:06:30.000Z',
      total: 6,
      counts: { AdminDeleteUser: 5, AdminRemoveUserFromGroup: 1 },
    });
    expect(burst.entities).toContain('user:bob');
    expect(burst.undo.at).toBe('2026-06-01T10:04:49.000Z');
    expect(burst.undo.wholeWindow).toEqual({
      command: `restore-cli restore --pool ${POOL} --at 2026-06-01T10:04:49.000Z`,
      dryRun: `restore-cli restore --pool ${POOL} --at 2026-06-01T10:04:49.000Z --dry-run`,
    });
    expect(burst.undo.callerOnly?.command).toMatch(/--at \S+ --user bob( --user u\d+){5}$/);
    expect(burst.undo.callerOnly?.dryRun).toBe(`${burst.undo.callerOnly?.command} --dry-run`);
  });

  it('says what a caller-only restore cannot scope instead of inventing a flag', () => {
    const entries = [0, 1, 2, 3, 4].map((s) =>
      call(T0 + s * 1000, {
        eventName: s === 0 ? 'DeleteUserPoolClient' : 'DeleteGroup',
        entities: s === 0 ? ['client:abc', 'ui:abc'] : [`group:it's ${s}`],
      }),
    );
    const [burst] = detectBursts(entries, threshold) as [Burst];
    expect(burst.undo.callerOnly?.command).toContain(`--group 'it'\\''s 1'`);
    expect(burst.undo.notes).toEqual([
      `restore cannot be limited to single clients,ui: restore-cli restore --pool ${POOL} --at 2026-06-01T10:03:59.000Z --only clients,ui puts every one of them back as at 2026-06-01T10:03:59.000Z`,
    ]);
  });

  it('keeps the threshold: count - 1 calls in the window are no burst', () => {
    expect(
      detectBursts(
        [0, 1, 2, 3].map((s) => call(T0 + s * 1000)),
        threshold,
      ),
    ).toEqual([]);
    // Five calls spread over more than the window: no window holds five.
    expect(
      detectBursts(
        [0, 31, 62, 93, 124].map((s) => call(T0 + s * 1000)),
        threshold,
      ),
    ).toEqual([]);
  });
});

describe('watchBursts', () => {
  it('announces a burst once across batches and concurrent watchers, and nothing below the threshold', async () => {
    const trail = new MemoryEventTrail();
    const checkpoints = new MemoryCheckpointStore();
    const announced: Burst[] = [];
    const deps = { trail, checkpoints, threshold, announce: async (b: Burst) => void announced.push(b) };
    const batches = [0, 1, 2, 3].map((b) => [0, 1, 2].map((i) => call(T0 + (b * 3 + i) * 2000)));
    const recordAll = async (batch: TrailEntry[]) => {
      for (const entry of batch) await trail.record(entry);
    };
    await recordAll(batches[0] ?? []);
    expect(await watchBursts(deps, batches[0] ?? [])).toEqual([]);
    await recordAll(batches[1] ?? []);
    await recordAll(batches[2] ?? []);
    // Two invocations finish their batches at once.
    await Promise.all([watchBursts(deps, batches[1] ?? []), watchBursts(deps, batches[2] ?? [])]);
    await recordAll(batches[3] ?? []);
    await watchBursts(deps, batches[3] ?? []);
    expect(announced).toHaveLength(1);
    expect(burstEventDetail(announced[0] as Burst, threshold)).toMatchObject({
      poolId: POOL,
      caller: MALLORY,
      window: { start: '2026-06-01T10:04:00.000Z' },
      restore: { at: '2026-06-01T10:03:59.000Z' },
    });
  });

  it('takes the claim back when announcing fails, so the next batch announces it', async () => {
    const trail = new MemoryEventTrail();
    const checkpoints = new MemoryCheckpointStore();
    const batch = [0, 1, 2, 3, 4].map((s) => call(T0 + s * 1000));
    for (const entry of batch) await trail.record(entry);
    const failing = {
      trail,
      checkpoints,
      threshold,
      announce: async () => Promise.reject(new Error('down')),
    };
    await expect(watchBursts(failing, batch)).rejects.toThrow('down');
    const announced: Burst[] = [];
    await watchBursts({ ...failing, announce: async (b) => void announced.push(b) }, batch);
    expect(announced).toHaveLength(1);
  });
});
