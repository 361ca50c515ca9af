import { describe, expect, it } from 'vitest';
import { changeSteps } from './changeSteps.js';

const user = (modifiedAt: string, groups: string[], plan = 'free') => ({
  username: 'alice',
  attributes: { 'custom:plan': plan },
  enabled: true,
  status: 'CONFIRMED',
  groups,
  createdAt: '2024-06-01T09:00:00.000Z',
  modifiedAt,
});

describe('which states a change passed through, and when', () => {
  it('stamps fields the modification date covers with that date, and memberships separately', () => {
    const before = user('2024-06-01T09:00:00.000Z', []);
    const after = user('2024-06-01T10:05:00.000Z', ['admins'], 'pro');
    expect(changeSteps('user:alice', before, after)).toEqual([
      { doc: user('2024-06-01T10:05:00.000Z', [], 'pro'), date: '2024-06-01T10:05:00.000Z' },
      { doc: after },
    ]);
  });

  it('gives a membership-only change no date at all', () => {
    const before = user('2024-06-01T09:00:00.000Z', []);
    const after = user('2024-06-01T09:00:00.000Z', ['admins']);
    expect(changeSteps('user:alice', before, after)).toEqual([{ doc: after }]);
  });

  it('creates a user without the groups it joined later', () => {
    const after = user('2024-06-01T10:05:00.000Z', ['admins', 'editors']);
    expect(changeSteps('user:alice', undefined, after)).toEqual([
      { doc: user('2024-06-01T10:05:00.000Z', []), date: '2024-06-01T10:05:00.000Z' },
      { doc: after },
    ]);
  });

  it('keeps one step when the date covers everything that changed', () => {
    const before = { GroupName: 'admins', Precedence: 1, LastModifiedDate: '2024-06-01T09:00:00.000Z' };
    const after = { GroupName: 'admins', Precedence: 2, LastModifiedDate: '2024-06-01T10:00:00.000Z' };
    expect(changeSteps('group:admins', before, after)).toEqual([
      { doc: after, date: '2024-06-01T10:00:00.000Z' },
    ]);
  });

  it('treats the pool domain and MFA mode as not covered by the pool date', () => {
    const before = { Name: 'p', LastModifiedDate: '2024-06-01T09:00:00.000Z' };
    const after = { Name: 'q', Domain: 'auth-q', LastModifiedDate: '2024-06-01T10:00:00.000Z' };
    const steps = changeSteps('pool', before, after);
    expect(steps).toHaveLength(2);
    expect(steps[0]?.doc).toEqual({ Name: 'q', LastModifiedDate: '2024-06-01T10:00:00.000Z' });
  });

  it('carries nothing over from a deleted user to a new one of the same name', () => {
    const boss = {
      ...user('2024-06-01T09:00:00.000Z', ['admins'], 'boss'),
      createdAt: '2024-01-01T00:00:00.000Z',
    };
    const intern = {
      ...user('2024-06-01T10:05:00.000Z', [], 'intern'),
      createdAt: '2024-06-01T10:05:00.000Z',
    };
    expect(changeSteps('user:alice', boss, intern)).toEqual([
      { doc: intern, date: '2024-06-01T10:05:00.000Z' },
    ]);
    const joined = { ...intern, groups: ['interns'] };
    const steps = changeSteps('user:alice', boss, joined);
    expect(steps.map((step) => step.doc?.groups)).toEqual([[], ['interns']]);
  });

  it('tells a user re-created within the same second apart by its sub', () => {
    const at = '2024-06-01T10:00:00.000Z';
    const old = { ...user(at, ['ops']), createdAt: at, attributes: { sub: 'old-sub' } };
    const renewed = {
      ...user('2024-06-01T10:00:01.000Z', []),
      createdAt: at,
      attributes: { sub: 'new-sub' },
    };
    expect(changeSteps('user:alice', old, renewed)).toEqual([
      { doc: renewed, date: '2024-06-01T10:00:01.000Z' },
    ]);
  });

  it('creates a user in an MFA pool in one step when it has no MFA yet', () => {
    const mfa = { enabled: [], preferred: null };
    const created = { ...user('2024-06-01T10:05:00.000Z', []), mfa };
    expect(changeSteps('user:alice', undefined, created)).toEqual([
      { doc: created, date: '2024-06-01T10:05:00.000Z' },
    ]);
  });

  it('has no date for a deletion', () => {
    expect(changeSteps('user:alice', user('2024-06-01T09:00:00.000Z', []), null)).toEqual([{ doc: null }]);
  });
});
