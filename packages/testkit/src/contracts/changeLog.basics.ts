import type { ChangeRecord, TimeRange } from '@cognito-rewind/core';
import { InvalidInputError, makeRecord, toArray, VersionConflictError } from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import type { ChangeLogTestContext } from './changeLog.context.js';
import { at, OTHER_POOL, POOL, record } from './changeLog.records.js';

/** What every change log does with ordinary records: heads, histories, the timeline, pools, keys. */
export function changeLogBasics(t: ChangeLogTestContext): void {
  it('returns the appended record as the head, and undefined for unknown entities and pools', async () => {
    const first = record('user:alice', 1, at(1));
    await t.log.append(first);
    expect(await t.log.head(POOL, 'user:alice')).toStrictEqual(first);
    const second = record('user:alice', 2, at(2));
    await t.log.append(second);
    expect(await t.log.head(POOL, 'user:alice')).toStrictEqual(second);
    expect(await t.log.head(POOL, 'user:bob')).toBeUndefined();
    expect(await t.log.head('us-east-1_Unknown', 'user:alice')).toBeUndefined();
    expect(await toArray(t.log.timeline('us-east-1_Unknown'))).toEqual([]);
    expect(await toArray(t.log.entityHistory(POOL, 'user:bob'))).toEqual([]);
  });

  it('refuses a taken version with VersionConflictError and changes nothing', async () => {
    const v1 = record('group:admins', 1, at(1));
    const v2 = record('group:admins', 2, at(2));
    await t.log.append(v1);
    await t.log.append(v2);
    const rival = record('group:admins', 2, at(3), { after: { rival: true } });
    const refused = t.log.append(rival);
    await expect(refused).rejects.toBeInstanceOf(VersionConflictError);
    await expect(refused).rejects.toMatchObject({ entity: 'group:admins', version: 2 });
    expect(await t.log.head(POOL, 'group:admins')).toStrictEqual(v2);
    expect(await toArray(t.log.entityHistory(POOL, 'group:admins'))).toStrictEqual([v1, v2]);
    expect(await t.ids(t.log.timeline(POOL))).toEqual([v1.id, v2.id]);
  });

  it('lets exactly one of two concurrent appends of the same version win', async () => {
    await t.log.append(record('user:race', 1, at(1)));
    const a = record('user:race', 2, at(2), { after: { writer: 'a' } });
    const b = record('user:race', 2, at(2), { after: { writer: 'b' } });
    const other = await t.reopen();
    const results = await Promise.allSettled([t.log.append(a), other.append(b)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(VersionConflictError);
    const winner = results[0]?.status === 'fulfilled' ? a : b;
    expect(await t.log.head(POOL, 'user:race')).toStrictEqual(winner);
    expect(await other.head(POOL, 'user:race')).toStrictEqual(winner);
    expect((await toArray(t.log.entityHistory(POOL, 'user:race'))).map((r) => r.version)).toEqual([1, 2]);
  });

  it('returns an entity history in version order, only for that entity', async () => {
    const mine = [record('user:h', 1, at(1)), record('user:h', 2, at(5)), record('user:h', 3, at(9))];
    await t.log.append(mine[0] as ChangeRecord);
    await t.log.append(record('user:h2', 1, at(2)));
    await t.log.append(mine[1] as ChangeRecord);
    await t.log.append(record('user:h', 4, at(3), { poolId: OTHER_POOL }));
    await t.log.append(mine[2] as ChangeRecord);
    expect(await toArray(t.log.entityHistory(POOL, 'user:h'))).toStrictEqual(mine);
  });

  it('orders the timeline by (validFrom, id) and honours after (exclusive) and upTo (inclusive)', async () => {
    const c = record('user:c', 1, at(15));
    const d = record('user:d', 1, at(15));
    expect(c.id < d.id).toBe(true);
    const a1 = record('user:a', 1, at(10));
    const a2 = record('user:a', 2, at(30));
    const b = record('user:b', 1, at(5));
    const g = record('group:g', 1, at(20));
    for (const r of [a1, d, g, b, c, a2]) await t.log.append(r);
    await t.log.append(record('user:a', 1, at(12), { poolId: OTHER_POOL }));

    const order = async (range?: TimeRange) => (await t.timeline(range)).map((r) => r.id);
    expect(await t.timeline()).toStrictEqual([b, a1, c, d, g, a2]);
    expect(await order({ after: at(10), upTo: at(20) })).toEqual([c.id, d.id, g.id]);
    expect(await order({ after: at(15) })).toEqual([g.id, a2.id]);
    expect(await order({ upTo: at(5) })).toEqual([b.id]);
    expect(await order({ upTo: at(4) })).toEqual([]);
    expect(await order({ after: at(30) })).toEqual([]);
    expect(await order({ after: at(15), upTo: at(15) })).toEqual([]);
    expect(await order({ after: at(14), upTo: at(15) })).toEqual([c.id, d.id]);
  });

  it('keeps pools apart', async () => {
    const here = record('user:alice', 1, at(1), { after: { pool: 'here' } });
    const there = record('user:alice', 1, at(2), { poolId: OTHER_POOL, after: { pool: 'there' } });
    await t.log.append(here);
    await t.log.append(there);
    expect(await t.log.head(POOL, 'user:alice')).toStrictEqual(here);
    expect(await t.log.head(OTHER_POOL, 'user:alice')).toStrictEqual(there);
    expect(await t.timeline()).toStrictEqual([here]);
    expect(await t.timeline({}, OTHER_POOL)).toStrictEqual([there]);
    expect(await toArray(t.log.entityHistory(OTHER_POOL, 'user:alice'))).toStrictEqual([there]);
  });

  it('handles entity keys with / ~ : unicode and 128-character usernames, across a reopen', async () => {
    const entities = [
      'user:a#b#c',
      'user:first last',
      'user:José Ñúñez',
      'user:a/b/c',
      'user:x~1y~0',
      'user:with:colons:',
      'user:ünïcødé-日本語-😀',
      `user:${'u'.repeat(128)}`,
      'group:../../etc',
      'pool',
    ];
    const records = entities.map((entity, i) => record(entity, 1, at(i)));
    for (const r of records) await t.log.append(r);
    const reopened = await t.reopen();
    for (const [i, entity] of entities.entries()) {
      expect(await t.log.head(POOL, entity)).toStrictEqual(records[i]);
      expect(await reopened.head(POOL, entity)).toStrictEqual(records[i]);
      expect(await toArray(reopened.entityHistory(POOL, entity))).toStrictEqual([records[i]]);
    }
    expect(await toArray(reopened.timeline(POOL))).toStrictEqual(records);
    await expect(reopened.append(record('user:a/b/c', 1, at(99)))).rejects.toBeInstanceOf(
      VersionConflictError,
    );
  });

  it('keeps every field, timestamps exactly as written, across a reopen', async () => {
    const created = record('user:kept', 1, '2024-02-29T23:59:59.999Z', {
      observedAt: '2024-03-01T00:00:00.000Z',
    });
    const deleted = record('user:kept', 2, '2024-03-01T00:00:01.000Z', {
      observedAt: '2024-03-01T00:00:01.500Z',
      after: null,
    });
    await t.log.append(created);
    await t.log.append(deleted);
    const reopened = await t.reopen();
    expect(await reopened.head(POOL, 'user:kept')).toStrictEqual(deleted);
    expect(await toArray(reopened.entityHistory(POOL, 'user:kept'))).toStrictEqual([created, deleted]);
    const [first, second] = await toArray(reopened.timeline(POOL, { upTo: '2024-03-01T00:00:01.000Z' }));
    expect(first?.validFrom).toBe('2024-02-29T23:59:59.999Z');
    expect(first?.observedAt).toBe('2024-03-01T00:00:00.000Z');
    expect(second?.after).toBeNull();
    expect(second?.prevHash).toBe(deleted.prevHash);
    expect(second?.hash).toBe(deleted.hash);

    // Either instance sees what the other appends next: the head is always current.
    const third = record('user:kept', 3, '2024-03-01T00:00:02.000Z');
    await reopened.append(third);
    expect(await t.log.head(POOL, 'user:kept')).toStrictEqual(third);
  });

  it('stores one record for a repeated CloudTrail event id, per entity', async () => {
    const first = record('user:dup', 1, at(1));
    expect(await t.log.append(first)).toBe('appended');
    const redelivered = makeRecord({
      poolId: POOL,
      entity: 'user:dup',
      head: { version: 1, hash: first.hash, doc: first.after },
      after: { changed: true },
      validFrom: at(2),
      observedAt: at(2),
      source: 'cloudtrail',
      event: { name: 'AdminUpdateUserAttributes', eventId: first.event?.eventId ?? '' },
    });
    expect(await t.log.append(redelivered)).toBe('duplicate');
    expect(await (await t.reopen()).append(redelivered)).toBe('duplicate');
    expect(await toArray(t.log.entityHistory(POOL, 'user:dup'))).toStrictEqual([first]);
    expect(await t.ids(t.log.timeline(POOL))).toEqual([first.id]);
    // One event touching another entity (DeleteGroup changes every member) is not a duplicate.
    const rehashed = makeRecord({
      poolId: POOL,
      entity: 'user:dup2',
      head: { version: 0, hash: null, doc: null },
      after: { name: 'dup2' },
      validFrom: at(2),
      observedAt: at(2),
      source: 'cloudtrail',
      event: { name: 'AdminDeleteGroup', eventId: first.event?.eventId ?? '' },
    });
    expect(await t.log.append(rehashed)).toBe('appended');
  });

  it('refuses records it could not read back, storing nothing', async () => {
    const good = record('user:bad', 1, at(1));
    const bad = [
      { ...good, validFrom: '2024-01-01T00:00:01Z' },
      { ...good, observedAt: '2024-01-01T01:00:01.000+01:00' },
      { ...good, version: 0 },
      { ...good, entity: 'nonsense' },
      { ...good, hash: 'x' },
    ];
    for (const candidate of bad)
      await expect(t.log.append(candidate as ChangeRecord)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await t.log.head(POOL, 'user:bad')).toBeUndefined();
    expect(await t.timeline()).toEqual([]);
  });

  it('hands out copies: changing a returned record changes nothing stored', async () => {
    const original = record('user:copy', 1, at(1));
    await t.log.append(original);
    const read = await t.log.head(POOL, 'user:copy');
    if (read?.after) read.after.name = 'tampered';
    expect(await t.log.head(POOL, 'user:copy')).toStrictEqual(original);
  });
}
