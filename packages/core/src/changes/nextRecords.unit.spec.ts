import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../model/json.js';
import type { ChangeRecord } from './changeRecord.js';
import { nextRecords, type Observation, type Verdict } from './nextRecords.js';
import { verifyChain } from './verifyChain.js';

const POOL = 'us-east-1_Next';
const t = (second: number, ms = 0) => new Date(Date.UTC(2024, 5, 1, 10, 0, second, ms)).toISOString();

/** alice as Cognito shows her: dated to the whole second, as Cognito dates users. */
const alice = (modified: number, extra: JsonObject = {}): JsonObject => ({
  username: 'alice',
  attributes: { email: 'alice@example.com', sub: 'sub-alice' },
  enabled: true,
  status: 'CONFIRMED',
  groups: [],
  createdAt: t(0),
  modifiedAt: t(modified),
  ...extra,
});

const records = (verdict: Verdict): ChangeRecord[] => (verdict.kind === 'records' ? verdict.records : []);

function observe(partial: Partial<Observation> & Pick<Observation, 'after' | 'observedAt'>): Verdict {
  return nextRecords({
    poolId: POOL,
    entity: 'user:alice',
    head: undefined,
    source: 'reconcile',
    ...partial,
  });
}

/** The chain's head after a first sight of `doc` at `at`. */
function headOf(doc: JsonObject | null, at: string, head?: ChangeRecord): ChangeRecord {
  const record = records(observe({ head, after: doc, observedAt: at })).at(-1);
  if (record === undefined) throw new Error('no record');
  return record;
}

describe('nextRecords', () => {
  it("writes a baseline on first sight: from Cognito's creation date, known from its modification date", () => {
    const [created, modified] = records(observe({ after: alice(1), observedAt: t(5) }));
    // alice exists from her creation; what she held before her last modification was never read.
    expect(created).toMatchObject({ version: 1, prevHash: null, validFrom: t(0, 999), observedAt: t(5) });
    // Only what never changes is in her document as created; the rest is marked unknown, her
    // attributes as a whole (one she no longer has may have been there).
    const { enabled: _e, status: _s, ...immutable } = alice(0);
    expect(created?.change).toEqual({
      whole: { ...immutable, attributes: { sub: 'sub-alice' } },
      unknown: ['/attributes', '/enabled', '/status'],
    });
    expect(modified).toMatchObject({ version: 2, validFrom: t(1, 999), after: alice(1) });
    expect(modified?.change?.set).toMatchObject({ '/attributes': alice(1).attributes, '/enabled': true });
    expect(observe({ head: modified, after: alice(1), observedAt: t(9) })).toEqual({ kind: 'unchanged' });
    // Created and last modified in the same second: one record, all known.
    const [once] = records(observe({ after: alice(0), observedAt: t(5) }));
    expect(once?.change).toEqual({ whole: alice(0) });
  });

  it('leaves to capture what Cognito dates within the grace period, and records it once past it', () => {
    const head = headOf(alice(1), t(2));
    const grace = { now: t(50), ms: 30_000 };
    const recent = observe({ head, after: alice(40, { enabled: false }), observedAt: t(50), grace });
    expect(recent).toEqual({ kind: 'stale', reason: expect.stringContaining('grace period') });
    const old = observe({ head, after: alice(10, { enabled: false }), observedAt: t(50), grace });
    expect(records(old).map((r) => r.validFrom)).toEqual([t(10, 999)]);
  });

  it('keeps an image older than the head out: the scan read alice before capture recorded her change', () => {
    const head = headOf(alice(5, { enabled: false }), t(6), headOf(alice(1), t(2)));
    const verdict = observe({ head, after: alice(1), observedAt: t(10), readAt: t(1) });
    expect(verdict).toEqual({ kind: 'stale', reason: expect.stringContaining(`dated ${t(1)}`) });
  });

  it('decides undated changes (memberships, deletes) by when the read began against the head', () => {
    const head = headOf(alice(1, { groups: ['admins'] }), t(6), headOf(alice(1), t(2)));
    // Same Cognito date, another membership: read before the head was observed, it may predate it.
    expect(observe({ head, after: alice(1), observedAt: t(10), readAt: t(4) }).kind).toBe('stale');
    const later = records(observe({ head, after: alice(1), observedAt: t(10), readAt: t(7) }));
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ version: 4, after: alice(1), validFrom: t(10) });
  });

  it('never brings back a user whose deletion was recorded after the read began', () => {
    const deleted = headOf(null, t(5), headOf(alice(1), t(2)));
    expect(deleted.after).toBeNull();
    const verdict = observe({ head: deleted, after: alice(1), observedAt: t(10), readAt: t(3) });
    expect(verdict.kind).toBe('stale');
    // Created again after the deletion (Cognito's creation date says so): a new record, whenever read.
    const reborn = alice(8, { createdAt: t(8), attributes: { sub: 'sub-2' } });
    expect(records(observe({ head: deleted, after: reborn, observedAt: t(10), readAt: t(3) }))).toHaveLength(
      1,
    );
  });

  it('dates a deletion found by a read at the read (it is known from then on), and chains every record', () => {
    const chain = records(observe({ after: alice(1), observedAt: t(2) }));
    const [gone] = records(observe({ head: chain.at(-1), after: null, observedAt: t(20) }));
    expect(gone).toMatchObject({ version: 3, validFrom: t(20), source: 'reconcile', after: null });
    expect(gone?.change).toEqual({ whole: null });
    expect(verifyChain([...chain, gone as ChangeRecord])).toEqual([]);
  });

  it('splits a dated change from undated fields read with it, and writes canonical times and sortable ids', () => {
    const head = headOf(alice(1), t(2));
    const both = records(
      observe({
        head,
        after: alice(7, { enabled: false, groups: ['ops'] }),
        observedAt: '2024-06-01T12:00:10+02:00',
      }),
    );
    expect(both.map((r) => r.validFrom)).toEqual([t(7, 999), t(10)]);
    expect(both.map((r) => r.observedAt)).toEqual([t(10), t(10)]);
    expect(both[0]?.after).toMatchObject({ enabled: false, groups: [] });
    expect(both[1]?.after).toMatchObject({ groups: ['ops'] });
    expect((both[0]?.id ?? '') < (both[1]?.id ?? '')).toBe(true);
    // An id minted for an earlier observation sorts before one for a later one.
    const [earlier] = records(observe({ after: alice(1), observedAt: t(1) }));
    expect((earlier?.id ?? '') < (both[0]?.id ?? '')).toBe(true);
  });
});
