import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { makeRecord } from '../changes/makeRecord.js';
import type { JsonObject } from '../model/json.js';
import { changeWords } from './changeWords.js';

const T = '2024-06-01T10:00:00.000Z';
const alice: JsonObject = {
  username: 'alice',
  attributes: { email: 'a@x', name: 'Alice' },
  enabled: true,
  status: 'CONFIRMED',
  groups: ['ops'],
  createdAt: T,
  modifiedAt: T,
};

function record(before: JsonObject | null, after: JsonObject | null, extra: Partial<ChangeRecord> = {}) {
  const made = makeRecord({
    poolId: 'us-east-1_Words1',
    entity: 'user:alice',
    head: { version: before === null ? 0 : 1, hash: before === null ? null : 'h', doc: before },
    after,
    validFrom: T,
    observedAt: T,
    source: 'cloudtrail',
  });
  return { ...made, ...extra };
}

const words = (before: JsonObject | null, after: JsonObject | null) =>
  changeWords(record(before, after), before ?? undefined);

describe('changeWords', () => {
  it('says created and deleted for a whole entity', () => {
    expect(words(null, alice)).toEqual(['created']);
    expect(words(alice, null)).toEqual(['deleted']);
  });

  it('shows an attribute before and after, without the bookkeeping date beside it', () => {
    const after = {
      ...alice,
      attributes: { email: 'b@x', name: 'Alice' },
      modifiedAt: '2024-06-02T00:00:00.000Z',
    };
    expect(words(alice, after)).toEqual(['email: a@x → b@x']);
    const added = {
      ...alice,
      attributes: { ...(alice.attributes as JsonObject), phone_number: '+15550100' },
    };
    expect(words(alice, added)).toEqual(['phone_number: (none) → +15550100']);
    const removed = { ...alice, attributes: { email: 'a@x' } };
    expect(words(alice, removed)).toEqual(['name: Alice → (none)']);
  });

  it('says enabled, disabled, and +group / -group for memberships', () => {
    expect(words(alice, { ...alice, enabled: false })).toEqual(['disabled']);
    expect(words({ ...alice, enabled: false }, alice)).toEqual(['enabled']);
    expect(words(alice, { ...alice, groups: ['admins', 'ops'] })).toEqual(['+admins']);
    expect(words(alice, { ...alice, groups: [] })).toEqual(['-ops']);
    expect(words(alice, { ...alice, groups: ['admins'] })).toEqual(['+admins', '-ops']);
  });

  it('names other fields and nested settings by their path, long values cut short', () => {
    const client: JsonObject = {
      ClientName: 'web',
      CallbackURLs: ['https://a'],
      TokenValidityUnits: { AccessToken: 'hours' },
    };
    const changed = {
      ClientName: 'x'.repeat(80),
      CallbackURLs: ['https://a', 'https://b'],
      TokenValidityUnits: { AccessToken: 'minutes' },
    };
    expect(words(client, changed)).toEqual([
      'CallbackURLs +https://b',
      `ClientName: web → ${'x'.repeat(59)}…`,
      'TokenValidityUnits.AccessToken: hours → minutes',
    ]);
  });

  it('says a value was not observed rather than guessing it', () => {
    const after = { ...alice, attributes: { email: 'b@x', name: 'Alice' } };
    const made = record(alice, after, { change: { unknown: ['/attributes/email'] } });
    expect(changeWords(made, alice)).toContain('email: ? (not observed)');
  });

  it("takes a record's words from what it changed, not from an after-image another call moved too", () => {
    // Disable and add-to-group captured out of order: the later-learnt record's after-image holds
    // both, but it changed only the membership.
    const both = { ...alice, enabled: false, groups: ['admins', 'ops'] };
    const disable = record(alice, { ...alice, enabled: false }, { change: { set: { '/enabled': false } } });
    const join = record({ ...alice, enabled: false }, both, { change: { set: { '/groups/admins': true } } });
    expect(changeWords(disable, alice)).toEqual(['disabled']);
    expect(changeWords(join, { ...alice, enabled: false })).toEqual(['+admins']);
    const leave = record(alice, { ...alice, groups: [] }, { change: { unset: ['/groups/ops'] } });
    expect(changeWords(leave, alice)).toEqual(['-ops']);
  });

  it('reads a re-read that sets a member whole: only what differs, removals included', () => {
    const reread = record(alice, alice, {
      change: {
        set: {
          '/attributes': { email: 'b@x', phone_number: '+15550100' },
          '/enabled': true,
          '/modifiedAt': '2024-06-02T00:00:00.000Z',
        },
      },
    });
    expect(changeWords(reread, alice)).toEqual([
      'email: a@x → b@x',
      'name: Alice → (none)',
      'phone_number: (none) → +15550100',
    ]);
    const gone = record(alice, null, { change: { whole: null } });
    expect(changeWords(gone, alice)).toEqual(['deleted']);
  });
});
