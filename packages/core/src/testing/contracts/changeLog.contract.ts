import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toArray } from '../../asyncIterables.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { sha256Hex } from '../../changes/hash.js';
import { makeRecord } from '../../changes/makeRecord.js';
import { verifyChain } from '../../changes/verifyChain.js';
import { ChangeLogCorruptError, InvalidInputError, VersionConflictError } from '../../errors.js';
import type { JsonObject } from '../../model/json.js';
import type { ChangeLog, TimeRange } from '../../ports.js';

export interface ChangeLogFixture {
  log: ChangeLog;
  /** A new adapter instance over the same storage (the in-memory reference returns itself). */
  reopen(): Promise<ChangeLog>;
  /** Removes whatever the log created (temp directory, table items). */
  cleanup(): Promise<void>;
  /**
   * Whether `appendedSince` returns exactly the records appended after the position (a journal offset,
   * a counter). A log whose pool-wide index lags returns some earlier ones too. @default true
   */
  exactPosition?: boolean;
  /** Rewrites one stored record's JSON behind the adapter's back, to show damage is reported on read. */
  tamper?(
    poolId: string,
    entity: string,
    version: number,
    edit: (json: Record<string, unknown>) => void,
  ): Promise<void>;
}

const POOL = 'us-east-1_Contract1';
const OTHER_POOL = 'eu-west-1_Contract2';

/** Seconds after 2024-01-01T00:00:00Z, as the ISO string the domain writes. */
const at = (seconds: number): string => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds)).toISOString();

/** Every record of the helper names its own event: only the duplicate test repeats one on purpose. */
let eventCounter = 0;
const nextEventId = (): string => {
  eventCounter += 1;
  return `evt-${eventCounter}`;
};

interface RecordOptions {
  poolId?: string;
  observedAt?: string;
  after?: JsonObject | null;
}

function record(
  entity: string,
  version: number,
  validFrom: string,
  options: RecordOptions = {},
): ChangeRecord {
  const previous = version > 1 ? { version: version - 1 } : null;
  return makeRecord({
    poolId: options.poolId ?? POOL,
    entity,
    head: { version: version - 1, hash: previous && sha256Hex(`${entity}@${version - 1}`), doc: previous },
    after: options.after === undefined ? { version, name: entity } : options.after,
    validFrom,
    observedAt: options.observedAt ?? validFrom,
    source: 'cloudtrail',
    event: {
      name: 'AdminUpdateUserAttributes',
      eventId: nextEventId(),
      actorArn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      actorType: 'AssumedRole',
      sourceIp: '203.0.113.7',
      userAgent: 'aws-cli/2.15.0',
    },
  });
}

/**
 * What a capture does: read the entity's head, make the next record, append; on a version conflict
 * (another writer got there first) read the head again and retry.
 */
async function appendAtHead(
  log: ChangeLog,
  entity: string,
  change: { after: JsonObject; validFrom: string; event: ChangeRecord['event'] },
): Promise<void> {
  for (;;) {
    const current = await log.head(POOL, entity);
    const next = makeRecord({
      poolId: POOL,
      entity,
      head: current
        ? { version: current.version, hash: current.hash, doc: current.after }
        : { version: 0, hash: null, doc: null },
      after: change.after,
      validFrom: change.validFrom,
      observedAt: change.validFrom,
      source: 'cloudtrail',
      ...(change.event === undefined ? {} : { event: change.event }),
    });
    try {
      expect(await log.append(next)).toBe('appended');
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
}

/**
 * The behaviour every `ChangeLog` adapter shares, written once (emmett style) and run against the
 * in-memory reference, the directory log and DynamoDB.
 */
export function changeLogContract(name: string, makeLog: () => Promise<ChangeLogFixture>): void {
  describe(`ChangeLog contract: ${name}`, () => {
    let fixture: ChangeLogFixture | undefined;
    let log: ChangeLog;
    const reopen = async () => {
      if (fixture === undefined) throw new Error('no fixture');
      return fixture.reopen();
    };
    const ids = async (records: AsyncIterable<ChangeRecord>) => (await toArray(records)).map((r) => r.id);
    const timeline = (range?: TimeRange, poolId = POOL) => toArray(log.timeline(poolId, range));

    beforeEach(async () => {
      fixture = await makeLog();
      log = fixture.log;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('returns the appended record as the head, and undefined for unknown entities and pools', async () => {
      const first = record('user:alice', 1, at(1));
      await log.append(first);
      expect(await log.head(POOL, 'user:alice')).toStrictEqual(first);
      const second = record('user:alice', 2, at(2));
      await log.append(second);
      expect(await log.head(POOL, 'user:alice')).toStrictEqual(second);
      expect(await log.head(POOL, 'user:bob')).toBeUndefined();
      expect(await log.head('us-east-1_Unknown', 'user:alice')).toBeUndefined();
      expect(await toArray(log.timeline('us-east-1_Unknown'))).toEqual([]);
      expect(await toArray(log.entityHistory(POOL, 'user:bob'))).toEqual([]);
    });

    it('refuses a taken version with VersionConflictError and changes nothing', async () => {
      const v1 = record('group:admins', 1, at(1));
      const v2 = record('group:admins', 2, at(2));
      await log.append(v1);
      await log.append(v2);
      const rival = record('group:admins', 2, at(3), { after: { rival: true } });
      const refused = log.append(rival);
      await expect(refused).rejects.toBeInstanceOf(VersionConflictError);
      await expect(refused).rejects.toMatchObject({ entity: 'group:admins', version: 2 });
      expect(await log.head(POOL, 'group:admins')).toStrictEqual(v2);
      expect(await toArray(log.entityHistory(POOL, 'group:admins'))).toStrictEqual([v1, v2]);
      expect(await ids(log.timeline(POOL))).toEqual([v1.id, v2.id]);
    });

    it('lets exactly one of two concurrent appends of the same version win', async () => {
      await log.append(record('user:race', 1, at(1)));
      const a = record('user:race', 2, at(2), { after: { writer: 'a' } });
      const b = record('user:race', 2, at(2), { after: { writer: 'b' } });
      const other = await reopen();
      const results = await Promise.allSettled([log.append(a), other.append(b)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(VersionConflictError);
      const winner = results[0]?.status === 'fulfilled' ? a : b;
      expect(await log.head(POOL, 'user:race')).toStrictEqual(winner);
      expect(await other.head(POOL, 'user:race')).toStrictEqual(winner);
      expect((await toArray(log.entityHistory(POOL, 'user:race'))).map((r) => r.version)).toEqual([1, 2]);
    });

    it('returns an entity history in version order, only for that entity', async () => {
      const mine = [record('user:h', 1, at(1)), record('user:h', 2, at(5)), record('user:h', 3, at(9))];
      await log.append(mine[0] as ChangeRecord);
      await log.append(record('user:h2', 1, at(2)));
      await log.append(mine[1] as ChangeRecord);
      await log.append(record('user:h', 4, at(3), { poolId: OTHER_POOL }));
      await log.append(mine[2] as ChangeRecord);
      expect(await toArray(log.entityHistory(POOL, 'user:h'))).toStrictEqual(mine);
    });

    it('orders the timeline by (validFrom, id) and honours after (exclusive) and upTo (inclusive)', async () => {
      const c = record('user:c', 1, at(15));
      const d = record('user:d', 1, at(15));
      expect(c.id < d.id).toBe(true);
      const a1 = record('user:a', 1, at(10));
      const a2 = record('user:a', 2, at(30));
      const b = record('user:b', 1, at(5));
      const g = record('group:g', 1, at(20));
      for (const r of [a1, d, g, b, c, a2]) await log.append(r);
      await log.append(record('user:a', 1, at(12), { poolId: OTHER_POOL }));

      const order = async (range?: TimeRange) => (await timeline(range)).map((r) => r.id);
      expect(await timeline()).toStrictEqual([b, a1, c, d, g, a2]);
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
      await log.append(here);
      await log.append(there);
      expect(await log.head(POOL, 'user:alice')).toStrictEqual(here);
      expect(await log.head(OTHER_POOL, 'user:alice')).toStrictEqual(there);
      expect(await timeline()).toStrictEqual([here]);
      expect(await timeline({}, OTHER_POOL)).toStrictEqual([there]);
      expect(await toArray(log.entityHistory(OTHER_POOL, 'user:alice'))).toStrictEqual([there]);
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
      for (const r of records) await log.append(r);
      const reopened = await reopen();
      for (const [i, entity] of entities.entries()) {
        expect(await log.head(POOL, entity)).toStrictEqual(records[i]);
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
      await log.append(created);
      await log.append(deleted);
      const reopened = await reopen();
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
      expect(await log.head(POOL, 'user:kept')).toStrictEqual(third);
    });

    it('stores one record for a repeated CloudTrail event id, per entity', async () => {
      const first = record('user:dup', 1, at(1));
      expect(await log.append(first)).toBe('appended');
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
      expect(await log.append(redelivered)).toBe('duplicate');
      expect(await (await reopen()).append(redelivered)).toBe('duplicate');
      expect(await toArray(log.entityHistory(POOL, 'user:dup'))).toStrictEqual([first]);
      expect(await ids(log.timeline(POOL))).toEqual([first.id]);
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
      expect(await log.append(rehashed)).toBe('appended');
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
        await expect(log.append(candidate as ChangeRecord)).rejects.toBeInstanceOf(InvalidInputError);
      expect(await log.head(POOL, 'user:bad')).toBeUndefined();
      expect(await timeline()).toEqual([]);
    });

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
        await Promise.all(records.slice(i, i + 16).map((r) => log.append(r)));
      const history = await toArray(log.entityHistory(POOL, 'user:long'));
      expect(history.map((r) => r.version)).toEqual(records.map((r) => r.version));
      expect(verifyChain(history)).toEqual([]);
      expect((await timeline()).map((r) => r.id)).toEqual(records.map((r) => r.id));
      const window = await timeline({ after: records[99]?.validFrom, upTo: records[999]?.validFrom });
      expect(window.map((r) => r.version)).toEqual(records.slice(100, 1_000).map((r) => r.version));
      expect((await log.head(POOL, 'user:long'))?.version).toBe(count);
    });

    it('stores a record larger than 400 KB whole', async () => {
      const image = 'data:image/png;base64,'.padEnd(600_000, 'QUJD');
      const big = record('ui:ALL', 1, at(1), { after: { ImageFile: image, CSS: '.a{}' } });
      expect(await log.append(big)).toBe('appended');
      const reopened = await reopen();
      expect(await reopened.head(POOL, 'ui:ALL')).toStrictEqual(big);
      expect(await toArray(reopened.entityHistory(POOL, 'ui:ALL'))).toStrictEqual([big]);
      expect(await toArray(reopened.timeline(POOL))).toStrictEqual([big]);
      expect(await toArray(reopened.appendedSince(POOL, '0'))).toStrictEqual([big]);
    });

    it('lets eight concurrent writers on one entity all land, in version order, by retrying conflicts', async () => {
      const writers = 8;
      const each = 4;
      const instances = [log, ...(await Promise.all(Array.from({ length: writers - 1 }, () => reopen())))];
      const write = (writer: number, n: number) =>
        appendAtHead(instances[writer] ?? log, 'group:hot', {
          after: { writer, n },
          validFrom: at(writer * 10 + n),
          event: { name: 'UpdateGroup', eventId: `w${writer}-${n}` },
        });
      await Promise.all(
        Array.from({ length: writers }, async (_, writer) => {
          for (let n = 0; n < each; n++) await write(writer, n);
        }),
      );
      const history = await toArray(log.entityHistory(POOL, 'group:hot'));
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
      await log.append(early);
      await log.append(late);
      const order = async (range: TimeRange) => (await timeline(range)).map((r) => r.id);
      expect(await order({ upTo: '2024-01-01T00:00:00.999Z' })).toEqual([early.id]);
      expect(await order({ after: '2024-01-01T00:00:00.999Z' })).toEqual([late.id]);
      expect(await order({ after: '2024-01-01T00:00:00.998Z', upTo: '2024-01-01T00:00:01.000Z' })).toEqual([
        early.id,
        late.id,
      ]);
    });

    it('returns what was appended after a position, late records included, filtered by validFrom', async () => {
      const before = record('user:p', 1, at(10));
      await log.append(before);
      const mark = await log.position(POOL);
      const lateForMark = record('user:q', 1, at(5));
      const after = record('user:p', 2, at(20));
      const elsewhere = record('user:p', 1, at(6), { poolId: OTHER_POOL });
      await log.append(lateForMark);
      await log.append(after);
      await log.append(elsewhere);
      const since = async (filter?: { validUpTo?: string }) =>
        (await toArray((await reopen()).appendedSince(POOL, mark, filter))).map((r) => r.id).sort();
      const all = await since();
      expect(all).toEqual(expect.arrayContaining([lateForMark.id, after.id]));
      expect(all).not.toContain(elsewhere.id);
      const upTo10 = await since({ validUpTo: at(10) });
      expect(upTo10).toContain(lateForMark.id);
      expect(upTo10).not.toContain(after.id);
      if (fixture?.exactPosition !== false) {
        expect(all).toEqual([lateForMark.id, after.id].sort());
        expect(await toArray(log.appendedSince(POOL, await log.position(POOL)))).toEqual([]);
      }
      await expect(toArray(log.appendedSince(POOL, 'not a position'))).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });

    it('reports a damaged stored record instead of returning or skipping it', async () => {
      if (fixture?.tamper === undefined) return;
      const first = record('user:t', 1, at(1));
      const second = record('user:t', 2, at(2));
      await log.append(first);
      await log.append(second);
      await fixture.tamper(POOL, 'user:t', 2, (json) => {
        json.validFrom = 'yesterday';
      });
      const reopened = await reopen();
      await expect(reopened.head(POOL, 'user:t')).rejects.toBeInstanceOf(ChangeLogCorruptError);
      await expect(reopened.head(POOL, 'user:t')).rejects.toThrow(second.id);
      await expect(toArray(reopened.timeline(POOL))).rejects.toBeInstanceOf(ChangeLogCorruptError);
      await expect(toArray(reopened.entityHistory(POOL, 'user:t'))).rejects.toBeInstanceOf(
        ChangeLogCorruptError,
      );
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const original = record('user:copy', 1, at(1));
      await log.append(original);
      const read = await log.head(POOL, 'user:copy');
      if (read?.after) read.after.name = 'tampered';
      expect(await log.head(POOL, 'user:copy')).toStrictEqual(original);
    });
  });
}
