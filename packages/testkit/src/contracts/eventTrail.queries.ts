import type { TrailEntry, TrailQuery } from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import type { EventTrailTestContext } from './eventTrail.contract.js';
import { ALICE, at, bareEntry, entry, eventIds, found, OPS_ROLE, POOL, walk } from './eventTrail.entries.js';

/** The four indexes, their one order, inclusive bounds, and cursors that see every entry exactly once. */
export function eventTrailQueries(t: EventTrailTestContext): void {
  const record = async (entries: readonly TrailEntry[]) => {
    for (const e of entries) expect(await t.trail.record(e)).toBe('recorded');
  };

  it('answers an empty page, without a cursor, where nothing matches', async () => {
    expect(await t.trail.query(POOL)).toEqual({ entries: [] });
    await record([entry('evt-1')]);
    expect(await t.trail.query(POOL, { entity: 'user:nobody' })).toEqual({ entries: [] });
    expect(await t.trail.query(POOL, { since: at(1) })).toEqual({ entries: [] });
  });

  it('finds entries by caller, by event name, by entity and by time, with since and until inclusive', async () => {
    const a = entry('a', { eventTime: at(10), eventName: 'AdminCreateUser', entities: ['user:bob'] });
    const b = entry('b', {
      eventTime: at(20),
      eventName: 'AdminAddUserToGroup',
      caller: { arn: OPS_ROLE, type: 'AssumedRole', principalId: 'AROAEXAMPLE:bob-session' },
      entities: ['group:admins', 'user:bob'],
    });
    const c = bareEntry('c', { eventTime: at(30), caller: { type: 'Unknown', principalId: 'Anonymous' } });
    const d = bareEntry('d', {
      eventTime: at(40),
      eventName: 'InitiateAuth',
      errorCode: 'NotAuthorizedException',
      outcome: 'failed',
      entities: ['user:carol'],
    });
    const e = entry('e', { eventTime: at(50), eventName: 'AdminDeleteUser', entities: ['user:bob'] });
    await record([d, b, e, a, c]);

    expect(await found(t.trail, { caller: ALICE })).toEqual(['a', 'e']);
    expect(await found(t.trail, { caller: OPS_ROLE })).toEqual(['b']);
    expect(await found(t.trail, { caller: 'Anonymous' })).toEqual(['c']);
    expect(await found(t.trail, { caller: 'unknown' })).toEqual(['d']);
    expect(await found(t.trail, { caller: 'AROAEXAMPLE:bob-session' })).toEqual([]);
    expect(await found(t.trail, { eventName: 'AdminAddUserToGroup' })).toEqual(['b']);
    expect(await found(t.trail, { eventName: 'SignUp' })).toEqual(['c']);
    expect(await found(t.trail, { entity: 'user:bob' })).toEqual(['a', 'b', 'e']);
    expect(await found(t.trail, { entity: 'group:admins' })).toEqual(['b']);
    expect(await found(t.trail, { entity: 'user:carol' })).toEqual(['d']);
    expect(await found(t.trail)).toEqual(['a', 'b', 'c', 'd', 'e']);

    expect(await found(t.trail, { since: at(30) })).toEqual(['c', 'd', 'e']);
    expect(await found(t.trail, { until: at(30) })).toEqual(['a', 'b', 'c']);
    expect(await found(t.trail, { since: at(20), until: at(40) })).toEqual(['b', 'c', 'd']);
    expect(await found(t.trail, { since: at(20), until: at(20) })).toEqual(['b']);
    expect(await found(t.trail, { since: at(21), until: at(29) })).toEqual([]);
    expect(await found(t.trail, { entity: 'user:bob', since: at(20) })).toEqual(['b', 'e']);
    expect(await found(t.trail, { entity: 'user:bob', until: at(20) })).toEqual(['a', 'b']);
    expect(await found(t.trail, { caller: ALICE, since: at(11) })).toEqual(['e']);
    expect(await found(t.trail, { caller: ALICE, until: at(49) })).toEqual(['a']);
    expect(await found(t.trail, { eventName: 'SignUp', since: at(30), until: at(30) })).toEqual(['c']);
    // Bounds in any ISO-8601 spelling mean the same instant.
    expect(
      await found(t.trail, { since: '2024-06-01T12:00:20+02:00', until: '2024-06-01T10:00:30Z' }),
    ).toEqual(['b', 'c']);
  });

  it('orders entries by eventTime, then by event id in UTF-8 byte order, in every index', async () => {
    // Same instant: ids that JavaScript's `<` and UTF-8 order disagree on (U+FB00 against an emoji) too.
    const sameTime = ['b', 'a', 'C', 'ab', '~', 'é', '\ufb00', '😀', 'z', 'a b'];
    const entries = [
      ...sameTime.map((id) => entry(id, { eventTime: at(5) })),
      entry('zz-earlier', { eventTime: at(4) }),
      entry('0-later', { eventTime: at(6) }),
    ];
    await record(entries);
    const expected = ['zz-earlier', 'C', 'a', 'a b', 'ab', 'b', 'z', '~', 'é', '\ufb00', '😀', '0-later'];
    expect(await found(t.trail)).toEqual(expected);
    expect(await found(t.trail, { caller: ALICE })).toEqual(expected);
    expect(await found(t.trail, { eventName: 'AdminUpdateUserAttributes' })).toEqual(expected);
    expect(await found(t.trail, { entity: 'user:bob' })).toEqual(expected);
    expect(await found(t.trail, { entity: 'user:bob', limit: 1 })).toEqual(expected);
  });

  it('walks every page of a small limit with the cursor, seeing each entry exactly once', async () => {
    const entries = Array.from({ length: 7 }, (_, i) =>
      entry(`evt-${i}`, { eventTime: at(Math.floor(i / 2)), entities: ['user:paged'] }),
    );
    await record([...entries].reverse());
    const ids = eventIds(entries);
    for (const query of [
      {},
      { entity: 'user:paged' },
      { caller: ALICE },
      { eventName: entries[0]?.eventName },
    ]) {
      const { entries: seen, pages } = await walk(t.trail, POOL, { ...query, limit: 2 });
      expect(eventIds(seen), JSON.stringify(query)).toEqual(ids);
      expect(pages).toEqual([2, 2, 2, 1]);
    }
    // The last page carries no cursor, also when it is exactly full.
    expect((await walk(t.trail, POOL, { limit: 7 })).pages).toEqual([7]);
    expect((await walk(t.trail, POOL, { limit: 3, since: at(1) })).pages).toEqual([3, 2]);
    const bounded = await walk(t.trail, POOL, { limit: 2, since: at(1), until: at(2) });
    expect(eventIds(bounded.entries)).toEqual(['evt-2', 'evt-3', 'evt-4', 'evt-5']);
    expect(bounded.pages).toEqual([2, 2]);
  });

  it('continues from a cursor past entries recorded meanwhile: earlier ones stay behind, later ones come', async () => {
    await record([1, 2, 3, 4].map((i) => entry(`evt-${i}`, { eventTime: at(i * 10) })));
    const first = await t.trail.query(POOL, { limit: 2 });
    expect(eventIds(first.entries)).toEqual(['evt-1', 'evt-2']);
    await record([entry('evt-early', { eventTime: at(15) }), entry('evt-late', { eventTime: at(35) })]);
    const rest = await walk(t.fixture.other(), POOL, { limit: 2, cursor: first.cursor as string });
    expect(eventIds(rest.entries)).toEqual(['evt-3', 'evt-late', 'evt-4']);
  });

  it('reads a page larger than one store response (DynamoDB answers at most 1 MB)', async () => {
    const big = 'x'.repeat(60_000);
    const entries = Array.from({ length: 20 }, (_, i) =>
      entry(`evt-big-${String(i).padStart(2, '0')}`, { eventTime: at(i), reason: big }),
    );
    await record(entries);
    for (const query of [{}, { entity: 'user:bob' }, { caller: ALICE }]) {
      const page = await t.trail.query(POOL, { ...query, limit: 1000 });
      expect(eventIds(page.entries)).toEqual(eventIds(entries));
      expect(page.cursor).toBeUndefined();
    }
    expect((await walk(t.trail, POOL, { limit: 15 })).pages).toEqual([15, 5]);
  });

  it('holds keys with /, #, ~, %, dots, spaces, case and any Unicode, each found under its own key only', async () => {
    const odd: { id: string; entity: string; caller: string; name: string }[] = [
      { id: 'a/b', entity: 'user:a/b', caller: 'arn:aws:sts::1:assumed-role/R/s#1 ü', name: 'Admin/Weird' },
      { id: 'a%2Fb', entity: 'user:a%2Fb', caller: 'arn:aws:sts::1:assumed-role/R/s', name: 'Admin%2FWeird' },
      { id: 'a#b', entity: 'user:a#b', caller: 'AROAX:a#b', name: 'Admin#Weird' },
      { id: 'A', entity: 'user:A', caller: 'AROAX:A', name: 'A' },
      { id: 'a', entity: 'user:a', caller: 'AROAX:a', name: 'a' },
      { id: 'a#', entity: 'user:a#', caller: 'AROAX:a#', name: 'a#' },
      { id: '~', entity: 'group:~x', caller: '~', name: '~' },
      { id: '.', entity: 'group:.', caller: '.', name: '.' },
      { id: '..', entity: 'group:..', caller: '..', name: '..' },
      { id: 'sp ace', entity: 'user:sp ace', caller: 'sp ace', name: 'sp ace' },
      { id: 'ü😀', entity: 'user:ü😀', caller: 'ü😀', name: 'Ü😀' },
      { id: 'u\u0308', entity: 'user:u\u0308', caller: 'u\u0308', name: 'u\u0308' },
    ];
    const entries = odd.map(({ id, entity, caller, name }, i) =>
      entry(id, {
        eventTime: at(i),
        entities: [entity],
        caller: caller.startsWith('arn:') ? { arn: caller } : { principalId: caller },
        eventName: name,
      }),
    );
    await record(entries);
    for (const [i, e] of entries.entries()) {
      const { id, entity, caller, name } = odd[i] ?? { id: '', entity: '', caller: '', name: '' };
      expect(await t.fixture.other().get(POOL, id)).toStrictEqual(e);
      const only = (query: TrailQuery) => found(t.trail, query);
      expect(await only({ entity }), entity).toEqual([id]);
      expect(await only({ caller }), caller).toEqual([id]);
      expect(await only({ eventName: name }), name).toEqual([id]);
    }
    expect(await found(t.trail)).toEqual(eventIds(entries));
  });
}
