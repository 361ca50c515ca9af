import { describe, expect, it } from 'vitest';
import type { EntityEntry } from '../model/poolState.js';
import { diffScan, reconcileRecords } from './reconcileScan.js';

const observedAt = '2024-06-01T12:00:00.000Z';
const user = (name: string, modifiedAt: string, groups: string[] = []) => ({
  username: name,
  attributes: {},
  enabled: true,
  status: 'CONFIRMED',
  groups,
  createdAt: '2024-01-01T00:00:00.000Z',
  modifiedAt,
});
const entry = (key: string, doc: EntityEntry['doc'], version = 0): EntityEntry => ({
  key,
  version,
  hash: null,
  doc,
});

describe('reconciling a scan with the head state', () => {
  const head = new Map<string, EntityEntry>([
    ['user:alice', entry('user:alice', user('alice', '2024-06-01T09:00:00.000Z'))],
    ['user:bob', entry('user:bob', user('bob', '2024-06-01T09:00:00.000Z'), 2)],
    ['user:carol', entry('user:carol', user('carol', '2024-06-01T09:00:00.000Z'))],
    ['idp:Google', entry('idp:Google', { ProviderName: 'Google' })],
  ]);
  const scan = [
    { key: 'user:alice', doc: user('alice', '2024-06-01T09:00:00.000Z') },
    { key: 'user:carol', doc: user('carol', '2024-06-01T11:30:07.000Z') },
    { key: 'user:dan', doc: user('dan', '2024-06-01T11:45:00.000Z') },
  ];

  it('records updates, creations and deletions, and keeps what the endpoint could not read', () => {
    const diff = diffScan(head, scan, ['identityProviders']);
    expect(diff.changed.map((c) => c.key)).toEqual(['user:bob', 'user:carol', 'user:dan']);
    expect(diff.unchanged.map((e) => e.key)).toEqual(['idp:Google', 'user:alice']);
  });

  it('stamps each record with the most precise time it can trust', () => {
    const diff = diffScan(head, scan, ['identityProviders']);
    const { records, entries } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt);
    const byEntity = Object.fromEntries(records.map((r) => [r.entity, r]));
    expect(byEntity['user:bob']?.validFrom).toBe(observedAt); // deleted: only known when observed
    expect(byEntity['user:bob']?.version).toBe(3);
    expect(byEntity['user:carol']?.validFrom).toBe('2024-06-01T11:30:07.999Z'); // whole-second date
    expect(byEntity['user:dan']?.validFrom).toBe('2024-06-01T11:45:00.999Z');
    expect(records.every((r) => r.source === 'reconcile')).toBe(true);
    expect(entries.map((e) => e.key)).toEqual(['idp:Google', 'user:alice', 'user:carol', 'user:dan']);
    expect(entries.find((e) => e.key === 'user:carol')?.version).toBe(1);
  });

  it('uses observation time when the change did not move the modification date (memberships)', () => {
    const moved = [{ key: 'user:alice', doc: user('alice', '2024-06-01T09:00:00.000Z', ['admins']) }];
    const diff = diffScan(new Map([...head].filter(([k]) => k === 'user:alice')), moved, []);
    const { records } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt);
    expect(records[0]?.validFrom).toBe(observedAt);
    expect(records[0]?.patch).toEqual([{ op: 'add', path: '/groups/0', value: 'admins' }]);
  });

  it('splits an attribute change and a membership change into two records, each at its own time', () => {
    const changed = [{ key: 'user:alice', doc: user('alice', '2024-06-01T11:00:00.000Z', ['admins']) }];
    const diff = diffScan(new Map([...head].filter(([k]) => k === 'user:alice')), changed, []);
    const { records, entries } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt);
    expect(records.map((r) => [r.version, r.validFrom, r.after?.groups])).toEqual([
      [1, '2024-06-01T11:00:00.999Z', []],
      [2, observedAt, ['admins']],
    ]);
    expect(records[1]?.prevHash).toBe(records[0]?.hash);
    expect(entries[0]).toMatchObject({ version: 2, hash: records[1]?.hash });
  });

  it('records nothing for entities new at the start of history, but continues known chains', () => {
    const diff = diffScan(new Map(), scan, []);
    const chainHeads = new Map([
      ['user:dan', { version: 2, hash: 'h2', validFrom: '2024-06-01T10:00:00.000Z' }],
    ]);
    const { records, entries } = reconcileRecords('us-east-1_x', diff, chainHeads, observedAt, {
      startOfHistory: true,
    });
    expect(records.map((r) => [r.entity, r.version])).toEqual([['user:dan', 3]]);
    expect(entries.map((e) => [e.key, e.version])).toEqual([
      ['user:alice', 0],
      ['user:carol', 0],
      ['user:dan', 3],
    ]);
  });

  it('takes MFA settings that were not read this time as unchanged', () => {
    const mfa = { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' };
    const withMfa = new Map([
      ['user:alice', entry('user:alice', { ...user('alice', '2024-06-01T09:00:00.000Z'), mfa })],
    ]);
    const unread = [{ key: 'user:alice', doc: user('alice', '2024-06-01T09:00:00.000Z') }];
    expect(diffScan(withMfa, unread, [], { userMfaRead: false }).changed).toEqual([]);
    expect(diffScan(withMfa, unread, [], { userMfaRead: true }).changed.map((c) => c.key)).toEqual([
      'user:alice',
    ]);
  });

  it('starts from the chain when it is ahead of the replayed state', () => {
    const a = user('alice', '2024-06-01T09:00:00.000Z');
    const b = { ...user('alice', '2024-06-01T09:30:00.000Z'), status: 'RESET_REQUIRED' };
    const replayed = new Map([['user:alice', entry('user:alice', a, 1)]]);
    const chainHeads = new Map([['user:alice', { version: 2, hash: 'h2', after: b }]]);
    const same = reconcileRecords(
      'us-east-1_x',
      diffScan(replayed, [{ key: 'user:alice', doc: b }], []),
      chainHeads,
      observedAt,
    );
    expect(same.records).toEqual([]);
    expect(same.entries).toEqual([{ key: 'user:alice', version: 2, hash: 'h2', doc: b }]);
    const c = { ...b, enabled: false };
    const moved = reconcileRecords(
      'us-east-1_x',
      diffScan(replayed, [{ key: 'user:alice', doc: c }], []),
      chainHeads,
      observedAt,
    );
    expect(moved.records.map((r) => [r.version, r.prevHash, r.patch])).toEqual([
      [3, 'h2', [{ op: 'replace', path: '/enabled', value: false }]],
    ]);
  });

  it('continues the chain of a deleted entity when it comes back', () => {
    const diff = diffScan(new Map(), [{ key: 'user:bob', doc: user('bob', '2024-06-01T11:00:00.000Z') }], []);
    const chainHeads = new Map([
      ['user:bob', { version: 3, hash: 'h3', validFrom: '2024-06-01T10:00:00.000Z' }],
    ]);
    const { records } = reconcileRecords('us-east-1_x', diff, chainHeads, observedAt);
    expect(records[0]).toMatchObject({ version: 4, prevHash: 'h3' });
  });
});
