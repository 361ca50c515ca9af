import type { TrailEntry } from '@cognito-rewind/core';
import { InvalidInputError, TrailCorruptError } from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import type { EventTrailTestContext } from './eventTrail.contract.js';
import {
  ALICE,
  at,
  bareEntry,
  changeId,
  entry,
  found,
  OPS_ROLE,
  OTHER_POOL,
  POOL,
  withoutPersonalData,
} from './eventTrail.entries.js';

/** Recording and reading back: once per event id, bad input refused, damage reported, personal data forgotten. */
export function eventTrailRecords(t: EventTrailTestContext): void {
  it('answers undefined for an event never recorded, then round-trips entries through every handle', async () => {
    expect(await t.trail.get(POOL, 'never')).toBeUndefined();
    const full = entry('evt-full', { reason: 'the user changed their email', receivedAt: at(9) });
    const bare = bareEntry('evt-bare');
    expect(await t.trail.record(full)).toBe('recorded');
    expect(await t.trail.record(bare)).toBe('recorded');
    expect(await t.trail.get(POOL, 'evt-full')).toStrictEqual(full);
    expect(await t.trail.get(POOL, 'evt-bare')).toStrictEqual(bare);
    expect(await t.fixture.other().get(POOL, 'evt-full')).toStrictEqual(full);
    expect((await t.fixture.other().query(POOL)).entries).toStrictEqual([bare, full]);
  });

  it('shares nothing with the caller: edits after record, or to what get returned, change nothing stored', async () => {
    const original = entry('evt-copy', { entities: ['user:a'] });
    const given = structuredClone(original);
    await t.trail.record(given);
    given.entities.push('user:z');
    given.caller.arn = 'arn:aws:iam::123456789012:user/mallory';
    const read = await t.trail.get(POOL, 'evt-copy');
    read?.changeIds.push(changeId(9));
    expect(await t.trail.get(POOL, 'evt-copy')).toStrictEqual(original);
  });

  it('stores an event id once: a second record is a duplicate, and the first entry wins in every index', async () => {
    const first = entry('evt-dup', { eventTime: at(10), entities: ['user:first'], reason: 'first' });
    const second = entry('evt-dup', {
      eventTime: at(20),
      eventName: 'AdminDeleteUser',
      caller: { arn: OPS_ROLE },
      entities: ['user:second'],
      reason: 'second',
      sourceIp: '198.51.100.1',
    });
    expect(await t.trail.record(first)).toBe('recorded');
    expect(await t.fixture.other().record(second)).toBe('duplicate');
    expect(await t.trail.record(first)).toBe('duplicate');
    expect(await t.trail.get(POOL, 'evt-dup')).toStrictEqual(first);
    expect(await found(t.trail)).toEqual(['evt-dup']);
    expect(await found(t.trail, { entity: 'user:first' })).toEqual(['evt-dup']);
    expect(await found(t.trail, { entity: 'user:second' })).toEqual([]);
    expect(await found(t.trail, { caller: OPS_ROLE })).toEqual([]);
    expect(await found(t.trail, { eventName: 'AdminDeleteUser' })).toEqual([]);
    expect(await found(t.trail, { since: at(15) })).toEqual([]);
  });

  it('lets exactly one of several writers racing on one event id record it', async () => {
    const writers = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? t.trail : t.fixture.other()));
    const entries = writers.map((_, i) =>
      entry('evt-race', {
        eventTime: at(100 + i),
        entities: ['group:everyone', `user:writer-${i}`],
        reason: `writer ${i}`,
      }),
    );
    const outcomes = await Promise.all(writers.map((writer, i) => writer.record(entries[i] as TrailEntry)));
    const winners = outcomes.flatMap((outcome, i) => (outcome === 'recorded' ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(7);
    const winner = winners[0] ?? -1;
    expect(await t.trail.get(POOL, 'evt-race')).toStrictEqual(entries[winner]);
    // Whatever the losers wrote on their way, no index shows their entries.
    expect((await t.trail.query(POOL, { entity: 'group:everyone' })).entries).toStrictEqual([
      entries[winner],
    ]);
    for (let i = 0; i < entries.length; i++)
      expect(await found(t.trail, { entity: `user:writer-${i}` })).toEqual(i === winner ? ['evt-race'] : []);
    expect(await found(t.trail)).toEqual(['evt-race']);
  });

  it('stores failed calls with their error code, findable like any other', async () => {
    const failed = entry('evt-failed', {
      eventName: 'AdminInitiateAuth',
      errorCode: 'NotAuthorizedException',
      outcome: 'failed',
      changeIds: [],
      reason: 'Cognito refused the call',
    });
    expect(await t.trail.record(failed)).toBe('recorded');
    expect(await t.trail.get(POOL, 'evt-failed')).toStrictEqual(failed);
    expect((await t.trail.query(POOL, { caller: ALICE })).entries).toStrictEqual([failed]);
    expect(await found(t.trail, { eventName: 'AdminInitiateAuth' })).toEqual(['evt-failed']);
  });

  it('keeps pools apart, even for one event id', async () => {
    const here = entry('evt-shared', { entities: ['user:same'] });
    const there = entry('evt-shared', { poolId: OTHER_POOL, entities: ['user:same'], reason: 'other pool' });
    expect(await t.trail.record(here)).toBe('recorded');
    expect(await t.trail.record(there)).toBe('recorded');
    expect(await t.trail.get(POOL, 'evt-shared')).toStrictEqual(here);
    expect(await t.trail.get(OTHER_POOL, 'evt-shared')).toStrictEqual(there);
    await t.trail.record(entry('evt-only-here'));
    for (const query of [{}, { entity: 'user:same' }, { caller: ALICE }, { eventName: here.eventName }])
      expect(await found(t.trail, query, OTHER_POOL)).toEqual(['evt-shared']);
    expect(await t.trail.get(OTHER_POOL, 'evt-only-here')).toBeUndefined();
    expect(await t.trail.forgetPersonalData(OTHER_POOL, at(60))).toBe(1);
    expect(await t.trail.get(POOL, 'evt-shared')).toStrictEqual(here);
  });

  it('refuses bad entries with InvalidInputError before storing anything', async () => {
    const good = entry('evt-bad');
    const bad: [string, unknown][] = [
      ['a time without milliseconds', { ...good, eventTime: '2024-06-01T10:00:00Z' }],
      ['a received time that is no time', { ...good, receivedAt: 'yesterday' }],
      ['a pool id that is not one', { ...good, poolId: 'pool/../escape' }],
      ['an empty event id', { ...good, eventId: '' }],
      ['an event id too long for a key', { ...good, eventId: 'x'.repeat(600) }],
      ['entities out of order', { ...good, entities: ['user:b', 'user:a'] }],
      ['an entity twice', { ...good, entities: ['user:a', 'user:a'] }],
      ['an entity that is no entity key', { ...good, entities: ['nonsense'] }],
      [
        'too many entities',
        { ...good, entities: Array.from({ length: 1001 }, (_, i) => `user:${1000 + i}`) },
      ],
      ['an unknown outcome', { ...good, outcome: 'exploded' }],
      ['an error code on a changed call', { ...good, errorCode: 'NotAuthorizedException' }],
      ['a failed call without its error code', { ...good, outcome: 'failed', changeIds: [] }],
      ['a change with no change records', { ...good, changeIds: [] }],
      ['a change id that is not a ULID', { ...good, changeIds: ['record-1'] }],
      ['request parameters', { ...good, requestParameters: { username: 'bob' } }],
      ['an unknown caller field', { ...good, caller: { arn: ALICE, secretKey: 'x' } }],
      ['an empty source ip', { ...good, sourceIp: '' }],
      ['a lone surrogate', { ...good, userAgent: 'agent \ud800' }],
      ['an entry too large', { ...good, reason: 'x'.repeat(70_000) }],
      ['a caller key too long for a key', { ...good, caller: { arn: `arn:${'x'.repeat(1100)}` } }],
      ['no entry at all', undefined],
    ];
    for (const [why, value] of bad)
      await expect(t.trail.record(value as TrailEntry), why).rejects.toBeInstanceOf(InvalidInputError);
    expect(await t.trail.get(POOL, 'evt-bad')).toBeUndefined();
    expect(await t.trail.query(POOL)).toEqual({ entries: [] });
    expect(await found(t.trail, { entity: 'user:a' })).toEqual([]);
  });

  it('refuses bad queries and arguments with InvalidInputError', async () => {
    await t.trail.record(entry('evt-q'));
    const badQueries = [
      { caller: ALICE, entity: 'user:bob' },
      { eventName: 'X', caller: ALICE },
      { limit: 0 },
      { limit: 1001 },
      { limit: 1.5 },
      { since: at(10), until: at(5) },
      { since: 'last tuesday' },
      { cursor: 'not a cursor!' },
      { cursor: btoa('["yesterday","x"]') },
      { entity: 'nonsense' },
      { caller: '' },
    ];
    for (const query of badQueries)
      await expect(t.trail.query(POOL, query), JSON.stringify(query)).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    await expect(t.trail.query('not-a-pool')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.trail.get('../escape', 'evt-q')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.trail.get(POOL, '')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.trail.forgetPersonalData(POOL, 'soon')).rejects.toBeInstanceOf(InvalidInputError);
    expect(await t.trail.get(POOL, 'evt-q')).toStrictEqual(entry('evt-q'));
  });

  it('reports a damaged stored entry as TrailCorruptError, from get and from every query', async () => {
    await t.trail.record(entry('evt-sound', { eventTime: at(1) }));
    await t.trail.record(entry('evt-damaged', { eventTime: at(2), eventName: 'AdminDeleteUser' }));
    await t.fixture.damage(POOL, 'evt-damaged');
    await expect(t.trail.get(POOL, 'evt-damaged')).rejects.toBeInstanceOf(TrailCorruptError);
    for (const query of [{}, { entity: 'user:bob' }, { caller: ALICE }, { eventName: 'AdminDeleteUser' }])
      await expect(t.fixture.other().query(POOL, query), JSON.stringify(query)).rejects.toBeInstanceOf(
        TrailCorruptError,
      );
    expect(await t.trail.get(POOL, 'evt-sound')).toStrictEqual(entry('evt-sound', { eventTime: at(1) }));
  });

  it('forgets sourceIp and userAgent of entries before the bound only, counting the entries it changed', async () => {
    const old = entry('evt-old', { eventTime: at(10) });
    const ipOnly = entry('evt-ip-only', { eventTime: at(20), userAgent: undefined });
    const atBound = entry('evt-at-bound', { eventTime: at(30) });
    const none = bareEntry('evt-none', { eventTime: at(5) });
    const later = entry('evt-later', { eventTime: at(40) });
    for (const e of [later, none, atBound, ipOnly, old]) await t.trail.record(e);

    expect(await t.trail.forgetPersonalData(POOL, at(30))).toBe(2);
    expect(await t.trail.get(POOL, 'evt-old')).toStrictEqual(withoutPersonalData(old));
    expect(await t.trail.get(POOL, 'evt-ip-only')).toStrictEqual(withoutPersonalData(ipOnly));
    expect(await t.trail.get(POOL, 'evt-none')).toStrictEqual(none);
    expect(await t.fixture.other().get(POOL, 'evt-at-bound')).toStrictEqual(atBound);
    expect(await t.trail.get(POOL, 'evt-later')).toStrictEqual(later);
    // Everything else stays where it was, in every index.
    expect((await t.trail.query(POOL, { entity: 'user:bob' })).entries).toStrictEqual(
      [old, ipOnly, atBound, later].map((e) => (e.eventTime < at(30) ? withoutPersonalData(e) : e)),
    );
    expect(await found(t.trail, { caller: ALICE })).toEqual([
      'evt-old',
      'evt-ip-only',
      'evt-at-bound',
      'evt-later',
    ]);

    expect(await t.trail.forgetPersonalData(POOL, at(30))).toBe(0);
    // A redelivered event is a duplicate: it does not bring its personal data back.
    expect(await t.trail.record(old)).toBe('duplicate');
    expect(await t.trail.get(POOL, 'evt-old')).toStrictEqual(withoutPersonalData(old));
    expect(await t.fixture.other().forgetPersonalData(POOL, '2024-06-01T10:00:30.001Z')).toBe(1);
    expect(await t.trail.get(POOL, 'evt-at-bound')).toStrictEqual(withoutPersonalData(atBound));
    expect(await t.trail.get(POOL, 'evt-later')).toStrictEqual(later);
  });
}
