import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { InvalidInputError } from '../errors.js';
import { compareKeys, type EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { EntityEntry } from '../model/poolState.js';
import { replayEntities } from './replayEntities.js';
import { TestHistory } from './testHistory.testing.js';

const POOL = 'us-east-1_Given';
const t = (second: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString();

/** Records written the way capture writes them, with times in seconds after midnight. */
class History extends TestHistory {
  constructor() {
    super(POOL);
  }

  private must(record: ChangeRecord | undefined): ChangeRecord {
    if (record === undefined) throw new Error('that change changes nothing');
    return record;
  }

  put = (entity: EntityKey, doc: JsonObject, second: number) =>
    this.must(this.change(entity, doc, t(second)));
  remove = (entity: EntityKey, second: number) => this.must(this.change(entity, null, t(second)));
}

const scanned = (entries: Record<EntityKey, JsonObject>): EntityEntry[] =>
  Object.entries(entries)
    .map(([key, doc]) => ({ key, version: 0, hash: null, doc }))
    .sort((a, b) => compareKeys(a.key, b.key));

async function replay(snapshot: EntityEntry[], records: ChangeRecord[], at: string): Promise<EntityEntry[]> {
  const out: EntityEntry[] = [];
  for await (const entry of replayEntities(snapshot, records, at)) out.push(entry);
  return out;
}

/** given(snapshot, records).at(T).expect(state): state as key → doc, in the order it must come out. */
const given = (snapshot: EntityEntry[], records: ChangeRecord[]) => ({
  at: (at: string) => ({
    expect: async (state: [EntityKey, JsonObject][]) => {
      const entries = await replay(snapshot, records, at);
      expect(entries.map((entry) => [entry.key, entry.doc])).toEqual(state);
      return entries;
    },
  }),
});

describe('replayEntities', () => {
  it('creates an entity from its first record, from its validFrom on', async () => {
    const history = new History();
    const created = history.put('user:alice', { username: 'alice' }, 10);
    await given([], history.records).at(t(9)).expect([]);
    const [alice] = await given([], history.records)
      .at(t(10))
      .expect([['user:alice', { username: 'alice' }]]);
    expect(alice).toMatchObject({ version: 1, hash: created.hash });
  });

  it('updates a scanned entity and moves its version and hash along', async () => {
    const history = new History();
    const snapshot = scanned({ 'user:bob': { username: 'bob', enabled: true } });
    history.put('user:bob', { username: 'bob', enabled: false }, 20);
    const update = history.put('user:bob', { username: 'bob', enabled: true, email: 'b@x' }, 30);
    await given(snapshot, history.records)
      .at(t(19))
      .expect([['user:bob', { username: 'bob', enabled: true }]]);
    await given(snapshot, history.records)
      .at(t(25))
      .expect([['user:bob', { username: 'bob', enabled: false }]]);
    const [bob] = await given(snapshot, history.records)
      .at(t(30))
      .expect([['user:bob', update.after ?? {}]]);
    expect(bob).toMatchObject({ version: 2, hash: update.hash });
  });

  it('removes a deleted entity and brings back a recreated one', async () => {
    const history = new History();
    history.put('group:ops', { GroupName: 'ops', Precedence: 1 }, 1);
    history.remove('group:ops', 5);
    const recreated = history.put('group:ops', { GroupName: 'ops', Precedence: 9 }, 8);
    await given([], history.records)
      .at(t(4))
      .expect([['group:ops', { GroupName: 'ops', Precedence: 1 }]]);
    await given([], history.records).at(t(5)).expect([]);
    await given([], history.records).at(t(7)).expect([]);
    const [ops] = await given([], history.records)
      .at(t(8))
      .expect([['group:ops', { GroupName: 'ops', Precedence: 9 }]]);
    expect(ops).toMatchObject({ version: 3, hash: recreated.hash });
  });

  it('deletes an entity the snapshot holds', async () => {
    const history = new History();
    history.put('client:c1', { ClientName: 'web' }, 1);
    const snapshot = history.snapshot();
    history.remove('client:c1', 3);
    await given(snapshot, history.records)
      .at(t(2))
      .expect([['client:c1', { ClientName: 'web' }]]);
    await given(snapshot, history.records).at(t(3)).expect([]);
  });

  it('ignores records valid after T', async () => {
    const history = new History();
    history.put('pool', { Name: 'before' }, 1);
    history.put('pool', { Name: 'after' }, 100);
    history.put('user:late', { username: 'late' }, 100);
    await given([], history.records)
      .at(t(99))
      .expect([['pool', { Name: 'before' }]]);
  });

  it('does not re-apply records the snapshot already folded in', async () => {
    const history = new History();
    history.put('user:carol', { username: 'carol', v: 1 }, 1);
    const folded = history.put('user:carol', { username: 'carol', v: 2 }, 2);
    // A doc that differs from every record shows that neither v1 nor v2 is applied again.
    const snapshot = [
      { key: 'user:carol', version: 2, hash: folded.hash, doc: { username: 'carol', marker: true } },
    ];
    await given(snapshot, history.records)
      .at(t(50))
      .expect([['user:carol', { username: 'carol', marker: true }]]);
    history.put('user:carol', { username: 'carol', v: 3 }, 60);
    await given(snapshot, history.records)
      .at(t(60))
      .expect([['user:carol', { username: 'carol', v: 3 }]]);
  });

  it('merges snapshot and record-only entities in key order, whatever the usernames', async () => {
    const history = new History();
    const snapshot = scanned({ 'user:a': { n: 'a' }, 'user:z': { n: 'z' }, pool: { Name: 'p' } });
    for (const [i, name] of ['a/b', 'a~b', 'é', 'Z', '日本', 'a:b', '~'].entries())
      history.put(`user:${name}`, { n: name }, i);
    history.put('group:x', { n: 'x' }, 1);
    history.put('mfa', { n: 'mfa' }, 1);
    const shuffled = [...history.records].reverse();
    const entries = await replay(snapshot, shuffled, t(60));
    const keys = entries.map((entry) => entry.key);
    expect(keys).toEqual(
      [
        'user:a',
        'user:z',
        'pool',
        'user:a/b',
        'user:a~b',
        'user:é',
        'user:Z',
        'user:日本',
        'user:a:b',
        'user:~',
        'group:x',
        'mfa',
      ].sort(compareKeys),
    );
    expect(entries.find((entry) => entry.key === 'user:a~b')?.doc).toEqual({ n: 'a~b' });
  });

  it('applies an entity’s records in version order, whatever order they come in', async () => {
    const history = new History();
    for (let i = 1; i <= 5; i++) history.put('user:dave', { username: 'dave', step: i }, i);
    const reversed = [...history.records].reverse();
    await given([], reversed)
      .at(t(3))
      .expect([['user:dave', { username: 'dave', step: 3 }]]);
  });

  it('compares times as instants, not as strings', async () => {
    const history = new History();
    // Stored times are canonical (ports.ts); the requested time may come in any ISO-8601 form.
    const wholeSecond = history.put('user:erin', { username: 'erin' }, 1);
    expect(wholeSecond.validFrom).toBe('2024-01-01T00:00:01.000Z');
    await given([], [wholeSecond])
      .at('2024-01-01T00:00:01.000Z')
      .expect([['user:erin', { username: 'erin' }]]);
    await given([], [wholeSecond])
      .at('2024-01-01T01:00:01+01:00')
      .expect([['user:erin', { username: 'erin' }]]);
    await given([], [wholeSecond]).at('2024-01-01T01:00:00.999+01:00').expect([]);
  });

  it('skips a record stamped after T even when a later version is not (validFrom out of order)', async () => {
    const history = new History();
    history.put('user:fay', { v: 1 }, 10);
    history.put('user:fay', { v: 2 }, 30);
    history.put('user:fay', { v: 3 }, 15);
    await given([], history.records)
      .at(t(20))
      .expect([['user:fay', { v: 3 }]]);
    await given([], history.records)
      .at(t(12))
      .expect([['user:fay', { v: 1 }]]);
  });

  it('refuses a snapshot that is not in key order, and a time that does not parse', async () => {
    const snapshot = scanned({ 'user:b': {}, 'user:a': {} }).reverse();
    await expect(replay(snapshot, [], t(1))).rejects.toThrow(/key order/);
    await expect(replay([], [], 'yesterday')).rejects.toThrow(InvalidInputError);
  });
});
