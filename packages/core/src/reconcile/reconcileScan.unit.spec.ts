import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../changes/changeRecord.js';
import type { JsonObject } from '../model/json.js';
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
/** A chain head as the change log would return it (only what reconciling reads matters). */
const headRecord = (
  entity: string,
  head: { version: number; hash: string; after?: JsonObject | null; validFrom?: string },
): ChangeRecord => ({
  id: '01HZ0000000000000000000000',
  poolId: 'us-east-1_x',
  entity,
  validFrom: head.validFrom ?? '2024-06-01T10:00:00.000Z',
  observedAt: head.validFrom ?? '2024-06-01T10:00:00.000Z',
  source: 'reconcile',
  patch: [],
  prevHash: null,
  version: head.version,
  hash: head.hash,
  after: head.after ?? null,
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
    const { records, entries } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt, {
      readAt: observedAt,
    });
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
    const { records } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt, { readAt: observedAt });
    expect(records[0]?.validFrom).toBe(observedAt);
    expect(records[0]?.patch).toEqual([{ op: 'add', path: '/groups/0', value: 'admins' }]);
  });

  it('splits an attribute change and a membership change into two records, each at its own time', () => {
    const changed = [{ key: 'user:alice', doc: user('alice', '2024-06-01T11:00:00.000Z', ['admins']) }];
    const diff = diffScan(new Map([...head].filter(([k]) => k === 'user:alice')), changed, []);
    const { records, entries } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt, {
      readAt: observedAt,
    });
    expect(records.map((r) => [r.version, r.validFrom, r.after?.groups])).toEqual([
      [1, '2024-06-01T11:00:00.999Z', []],
      [2, observedAt, ['admins']],
    ]);
    expect(records[1]?.prevHash).toBe(records[0]?.hash);
    expect(entries[0]).toMatchObject({ version: 2, hash: records[1]?.hash });
  });

  it('writes a baseline for every entity it has never seen, so any head is one read of the log', () => {
    const diff = diffScan(new Map(), scan, []);
    const { records, entries } = reconcileRecords('us-east-1_x', diff, new Map(), observedAt, {
      readAt: observedAt,
    });
    // Each exists from its creation date; what it held is known from its modification date (both
    // whole seconds here: true by the end of that second).
    expect(records.map((r) => [r.entity, r.version, r.validFrom])).toEqual([
      ['user:alice', 1, '2024-01-01T00:00:00.999Z'],
      ['user:alice', 2, '2024-06-01T09:00:00.999Z'],
      ['user:carol', 1, '2024-01-01T00:00:00.999Z'],
      ['user:carol', 2, '2024-06-01T11:30:07.999Z'],
      ['user:dan', 1, '2024-01-01T00:00:00.999Z'],
      ['user:dan', 2, '2024-06-01T11:45:00.999Z'],
    ]);
    expect(records.filter((r) => r.version === 1).every((r) => r.prevHash === null)).toBe(true);
    expect(entries.map((e) => [e.key, e.version])).toEqual([
      ['user:alice', 2],
      ['user:carol', 2],
      ['user:dan', 2],
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
    const chainHeads = new Map([
      ['user:alice', headRecord('user:alice', { version: 2, hash: 'h2', after: b })],
    ]);
    const same = reconcileRecords(
      'us-east-1_x',
      diffScan(replayed, [{ key: 'user:alice', doc: b }], []),
      chainHeads,
      observedAt,
      { readAt: observedAt },
    );
    expect(same.records).toEqual([]);
    expect(same.entries).toEqual([{ key: 'user:alice', version: 2, hash: 'h2', doc: b }]);
    const c = { ...b, enabled: false };
    const moved = reconcileRecords(
      'us-east-1_x',
      diffScan(replayed, [{ key: 'user:alice', doc: c }], []),
      chainHeads,
      observedAt,
      { readAt: observedAt },
    );
    expect(moved.records.map((r) => [r.version, r.prevHash, r.patch])).toEqual([
      [3, 'h2', [{ op: 'replace', path: '/enabled', value: false }]],
    ]);
  });

  it('continues the chain of a deleted entity when it comes back', () => {
    const diff = diffScan(new Map(), [{ key: 'user:bob', doc: user('bob', '2024-06-01T11:00:00.000Z') }], []);
    const chainHeads = new Map([
      ['user:bob', headRecord('user:bob', { version: 3, hash: 'h3', validFrom: '2024-06-01T10:00:00.000Z' })],
    ]);
    const { records } = reconcileRecords('us-east-1_x', diff, chainHeads, observedAt, { readAt: observedAt });
    expect(records[0]).toMatchObject({ version: 4, prevHash: 'h3' });
  });

  it('never writes back an image older than what capture recorded while the scan ran', () => {
    const a = user('alice', '2024-06-01T09:00:00.000Z');
    const replayed = new Map([['user:alice', entry('user:alice', a, 1)]]);
    // Capture recorded a change of alice at 11:59:30, while the scan was running.
    const newer = { ...user('alice', '2024-06-01T11:59:00.000Z'), enabled: false };
    const heads = new Map([
      [
        'user:alice',
        headRecord('user:alice', {
          version: 2,
          hash: 'h2',
          after: newer,
          validFrom: '2024-06-01T11:59:30.000Z',
        }),
      ],
    ]);
    // The scan began at 11:50 and read alice as she was before.
    const diff = diffScan(
      replayed,
      [{ key: 'user:alice', doc: user('alice', '2024-06-01T09:30:00.000Z') }],
      [],
    );
    const { records, entries, stale } = reconcileRecords('us-east-1_x', diff, heads, observedAt, {
      readAt: '2024-06-01T11:50:00.000Z',
    });
    expect(records).toEqual([]);
    expect(stale).toEqual([expect.stringMatching(/^user:alice: read an image dated/)]);
    expect(entries).toEqual([entry('user:alice', a, 1)]);
    // Nor brings back a user whose deletion capture recorded after the scan began.
    const gone = new Map([
      [
        'user:alice',
        headRecord('user:alice', {
          version: 2,
          hash: 'h2',
          after: null,
          validFrom: '2024-06-01T11:59:30.000Z',
        }),
      ],
    ]);
    const resurrect = reconcileRecords(
      'us-east-1_x',
      diffScan(new Map(), [{ key: 'user:alice', doc: a }], []),
      gone,
      observedAt,
      {
        readAt: '2024-06-01T11:50:00.000Z',
      },
    );
    expect(resurrect.records).toEqual([]);
    expect(resurrect.entries).toEqual([]);
  });
});
