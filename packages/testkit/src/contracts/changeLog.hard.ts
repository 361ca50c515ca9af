import type { ChangeRecord, JsonObject, TimeRange } from '@cognito-rewind/core';
import {
  ChangeLogCorruptError,
  InvalidInputError,
  makeRecord,
  toArray,
  verifyChain,
} from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import type { ChangeLogTestContext } from './changeLog.context.js';
import { appendAtHead, at, OTHER_POOL, POOL, record } from './changeLog.records.js';

/** The cases that break weak adapters: pages, size, concurrency, exact bounds, late records, damage. */
export function changeLogHardCases(t: ChangeLogTestContext): void {
  it('reads histories and timelines longer than one store page (1 MB)', async () => {
    const filler = 'x'.repeat(1_000);
    const count = 1_100;
    const records: ChangeRecord[] = [];
    let head: { version: number; hash: string | null; doc: JsonObject | null } = {
      version: 0,
      hash: null,
      doc: null,
    };
    for (let i = 0; i < count; i++) {
      const next = makeRecord({
        poolId: POOL,
        entity: 'user:long',
        head,
        after: { i, filler },
        validFrom: new Date(Date.UTC(2024, 0, 1) + i).toISOString(),
        observedAt: new Date(Date.UTC(2024, 0, 1) + i).toISOString(),
        source: 'reconcile',
      });
      records.push(next);
      head = { version: next.version, hash: next.hash, doc: next.after };
    }
    for (let i = 0; i < records.length; i += 16)
      await Promise.all(records.slice(i, i + 16).map((r) => t.log.append(r)));
    const history = await toArray(t.log.entityHistory(POOL, 'user:long'));
    expect(history.map((r) => r.version)).toEqual(records.map((r) => r.version));
    expect(verifyChain(history)).toEqual([]);
    expect((await t.timeline()).map((r) => r.id)).toEqual(records.map((r) => r.id));
    const window = await t.timeline({ after: records[99]?.validFrom, upTo: records[999]?.validFrom });
    expect(window.map((r) => r.version)).toEqual(records.slice(100, 1_000).map((r) => r.version));
    expect((await t.log.head(POOL, 'user:long'))?.version).toBe(count);
  });

  it('stores a record larger than 400 KB whole', async () => {
    const image = 'data:image/png;base64,'.padEnd(600_000, 'QUJD');
    const big = record('ui:ALL', 1, at(1), { after: { ImageFile: image, CSS: '.a{}' } });
    expect(await t.log.append(big)).toBe('appended');
    const reopened = await t.reopen();
    expect(await reopened.head(POOL, 'ui:ALL')).toStrictEqual(big);
    expect(await toArray(reopened.entityHistory(POOL, 'ui:ALL'))).toStrictEqual([big]);
    expect(await toArray(reopened.timeline(POOL))).toStrictEqual([big]);
    expect(await toArray(reopened.appendedSince(POOL, '0'))).toStrictEqual([big]);
  });

  it('lets eight concurrent writers on one entity all land, in version order, by retrying conflicts', async () => {
    const writers = 8;
    const each = 4;
    const instances = [t.log, ...(await Promise.all(Array.from({ length: writers - 1 }, () => t.reopen())))];
    const write = (writer: number, n: number) =>
      appendAtHead(instances[writer] ?? t.log, 'group:hot', {
        after: { writer, n },
        validFrom: at(writer * 10 + n),
        event: { name: 'UpdateGroup', eventId: `w${writer}-${n}` },
      });
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let n = 0; n < each; n++) await write(writer, n);
      }),
    );
    const history = await toArray(t.log.entityHistory(POOL, 'group:hot'));
    expect(history.map((r) => r.version)).toEqual(Array.from({ length: writers * each }, (_, i) => i + 1));
    expect(verifyChain(history)).toEqual([]);
    const written = history.map((r) => `${r.after?.writer}-${r.after?.n}`).sort();
    const expected = Array.from({ length: writers }, (_, w) =>
      Array.from({ length: each }, (_, n) => `${w}-${n}`),
    ).flat();
    expect(written).toEqual(expected.sort());
  });

  it('names time boundaries to the millisecond', async () => {
    const early = record('user:edge', 1, '2024-01-01T00:00:00.999Z');
    const late = record('user:edge2', 1, '2024-01-01T00:00:01.000Z');
    await t.log.append(early);
    await t.log.append(late);
    const order = async (range: TimeRange) => (await t.timeline(range)).map((r) => r.id);
    expect(await order({ upTo: '2024-01-01T00:00:00.999Z' })).toEqual([early.id]);
    expect(await order({ after: '2024-01-01T00:00:00.999Z' })).toEqual([late.id]);
    expect(await order({ after: '2024-01-01T00:00:00.998Z', upTo: '2024-01-01T00:00:01.000Z' })).toEqual([
      early.id,
      late.id,
    ]);
  });

  it('returns what was appended after a position, late records included, filtered by validFrom', async () => {
    const before = record('user:p', 1, at(10));
    await t.log.append(before);
    const mark = await t.log.position(POOL);
    const lateForMark = record('user:q', 1, at(5));
    const after = record('user:p', 2, at(20));
    const elsewhere = record('user:p', 1, at(6), { poolId: OTHER_POOL });
    await t.log.append(lateForMark);
    await t.log.append(after);
    await t.log.append(elsewhere);
    const since = async (filter?: { validUpTo?: string }) =>
      (await toArray((await t.reopen()).appendedSince(POOL, mark, filter))).map((r) => r.id).sort();
    const all = await since();
    expect(all).toEqual(expect.arrayContaining([lateForMark.id, after.id]));
    expect(all).not.toContain(elsewhere.id);
    const upTo10 = await since({ validUpTo: at(10) });
    expect(upTo10).toContain(lateForMark.id);
    expect(upTo10).not.toContain(after.id);
    if (t.fixture?.exactPosition !== false) {
      expect(all).toEqual([lateForMark.id, after.id].sort());
      expect(await toArray(t.log.appendedSince(POOL, await t.log.position(POOL)))).toEqual([]);
    }
    await expect(toArray(t.log.appendedSince(POOL, 'not a position'))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('reports a damaged stored record instead of returning or skipping it', async () => {
    if (t.fixture?.tamper === undefined) return;
    const first = record('user:t', 1, at(1));
    const second = record('user:t', 2, at(2));
    await t.log.append(first);
    await t.log.append(second);
    await t.fixture.tamper(POOL, 'user:t', 2, (json) => {
      json.validFrom = 'yesterday';
    });
    const reopened = await t.reopen();
    await expect(reopened.head(POOL, 'user:t')).rejects.toBeInstanceOf(ChangeLogCorruptError);
    await expect(reopened.head(POOL, 'user:t')).rejects.toThrow(second.id);
    await expect(toArray(reopened.timeline(POOL))).rejects.toBeInstanceOf(ChangeLogCorruptError);
    await expect(toArray(reopened.entityHistory(POOL, 'user:t'))).rejects.toBeInstanceOf(
      ChangeLogCorruptError,
    );
  });
}
