import fc from 'fast-check';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { compactSnapshot } from '../backup/compactSnapshot.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import { countByKind } from '../model/poolState.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { replayEntities } from './replayEntities.js';
import { stateAt } from './stateAt.js';
import { historyIn, TestHistory, truthAt } from './testHistory.testing.js';

const POOL = 'us-east-1_Props';
const T0 = Date.UTC(2024, 1, 1);
const iso = (offset: number) => new Date(T0 + offset).toISOString();

/** Users, groups, clients and pool settings, with names that stress key order. */
const KEYS: EntityKey[] = [
  'pool',
  'mfa',
  'user:alice',
  'user:a/b',
  'user:~tilde',
  'user:zoë',
  'user:Zed',
  'group:admins',
  'group:ops',
  'client:1abc',
  'client:2def',
];

const docArb: fc.Arbitrary<JsonObject> = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  enabled: fc.boolean(),
  n: fc.integer({ min: 0, max: 9 }),
});

/** A change: create/update (a doc) or delete (null), some milliseconds to seconds after the last. */
const opArb = fc.record({
  key: fc.constantFrom(...KEYS),
  after: fc.option(docArb, { nil: null, freq: 4 }),
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
});

const scenarioArb = fc.record({
  initial: fc.dictionary(fc.constantFrom(...KEYS), docArb, { maxKeys: 6 }),
  ops: fc.array(opArb, { maxLength: 30 }),
});

type Scenario = {
  initial: Record<EntityKey, JsonObject>;
  ops: { key: EntityKey; after: JsonObject | null; gap: number }[];
};

/** Builds the true history: records made with makeRecord, first change strictly after the scan. */
function build({ initial, ops }: Scenario) {
  const history = new TestHistory(POOL, initial);
  let offset = 1;
  const times: number[] = [0];
  for (const op of ops) {
    offset += op.gap;
    times.push(offset);
    history.change(op.key, op.after, iso(offset));
  }
  return { history, times, end: offset + 1_000 };
}

/** A time to look at: anywhere in the span, or exactly on a change (the boundary that matters). */
const instantArb = (times: number[], end: number) =>
  fc.oneof(fc.integer({ min: 0, max: end }), fc.constantFrom(...times));

async function firstScan(
  store: SnapshotStore,
  initial: Record<EntityKey, JsonObject>,
): Promise<SnapshotManifest> {
  const entries = new TestHistory(POOL, initial).snapshot();
  return store.write(
    {
      poolId: POOL,
      snapshotId: ulid(T0),
      at: iso(0),
      createdAt: iso(0),
      kind: 'scan',
      lastChangeId: null,
      counts: countByKind(entries.map((entry) => entry.key)),
      notCaptured: [],
    },
    entries,
  );
}

describe('replay properties', () => {
  it('replay from the first snapshot at any T equals the true state at T', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((scenario) => {
          const built = build(scenario);
          return fc.tuple(fc.constant(scenario), fc.constant(built), instantArb(built.times, built.end));
        }),
        async ([scenario, { history }, offset]) => {
          const snapshots = new SnapshotStore(new MemoryBlobStore());
          const changeLog = new MemoryChangeLog();
          await firstScan(snapshots, scenario.initial);
          for (const record of history.records) await changeLog.append(record);
          const result = await stateAt({ snapshots, changeLog }, POOL, iso(offset));
          expect(await toArray(result.entities)).toEqual(
            truthAt(scenario.initial, history.records, iso(offset)),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('compaction at T1 then replay at T2 ≥ T1 equals replay without compaction', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((scenario) => {
          const built = build(scenario);
          const instant = instantArb(built.times, built.end);
          return fc.tuple(
            fc.constant(scenario),
            fc.constant(built),
            fc.array(instant, { minLength: 3, maxLength: 3 }),
          );
        }),
        async ([scenario, { history }, instants]) => {
          const [t1, t1b, t2] = [...instants].sort((a, b) => a - b) as [number, number, number];
          const store = new SnapshotStore(new MemoryBlobStore());
          const clock = { now: () => new Date(T0 + 10 * 86_400_000) };
          const scan = await firstScan(store, scenario.initial);
          const history$ = historyIn(history.records);
          const once = await compactSnapshot(store, scan, history.records, iso(t1), {
            clock,
            history: history$,
          });
          // Compacting a compaction must hold as well: hourly snapshots chain.
          const twice = await compactSnapshot(store, once, history.records, iso(t1b), {
            clock,
            history: history$,
          });
          const replayFrom = async (manifest: SnapshotManifest) =>
            toArray(
              replayEntities((await store.open(manifest)).entries, history.records, iso(t2), {
                baseAt: manifest.at,
                history: history$,
              }),
            );
          const expected = await replayFrom(scan);
          expect(await replayFrom(once)).toEqual(expected);
          expect(await replayFrom(twice)).toEqual(expected);
          expect(expected).toEqual(truthAt(scenario.initial, history.records, iso(t2)));
          const folded = history.records.filter((r) => Date.parse(r.validFrom) <= T0 + t1).map((r) => r.id);
          expect(once.lastChangeId).toBe(folded.sort().at(-1) ?? null);
        },
      ),
      { numRuns: 40 },
    );
  });
});
