import { describe, expect, it } from 'vitest';
import { parseRestoreOptions, type RestoreOptions } from './restoreOptions.js';

const base: RestoreOptions = { pool: 'us-east-1_AbC123', store: 'store', at: '2024-06-01T10:00Z' };

describe('restore options', () => {
  it('defaults to an undo restore of everything, asking first, at AWS default rates', () => {
    expect(parseRestoreOptions(base)).toEqual({
      mode: 'undo',
      format: 'table',
      dryRun: false,
      yes: false,
      notify: false,
      rates: {},
      concurrency: 16,
    });
  });

  it('takes scopes, users, groups and raised adjustable rates', () => {
    const parsed = parseRestoreOptions({
      ...base,
      exact: true,
      only: 'users,memberships',
      user: ['bob', 'bob', 'ann'],
      group: ['admins'],
      rate: ['UserCreation=100', 'UserUpdate=10'],
    });
    expect(parsed).toMatchObject({
      mode: 'exact',
      only: ['users', 'memberships'],
      users: ['bob', 'ann'],
      groups: ['admins'],
      rates: { UserCreation: 100, UserUpdate: 10 },
    });
  });

  it('takes --create-pool with --dry-run: the plan into the pool it would create, and nothing created', () => {
    expect(parseRestoreOptions({ ...base, createPool: 'new', dryRun: true })).toMatchObject({ dryRun: true });
  });

  it.each([
    [{ only: 'users,widgets' }, /unknown part widgets/],
    [{ rate: ['UserUpdate=50'] }, /does not raise UserUpdate/],
    [{ rate: ['Nope=5'] }, /unknown quota category Nope/],
    [{ rate: ['UserCreation=-1'] }, /positive number/],
    [{ concurrency: '0' }, /whole number from 1 to 256/],
    [{ format: 'yaml' }, /use table or json/],
    [{ at: undefined }, /--at <time> is required/],
    [{ targetPool: 'us-east-1_X1', createPool: 'new' }, /conflict/],
    [{ at: undefined, revert: '01ARZ3NDEKTSV4RRFFQ69G5FAV', exact: true }, /--revert conflicts with --exact/],
    [{ at: undefined, revert: 'nope' }, /not a change record id/],
  ] as [Partial<RestoreOptions>, RegExp][])('refuses %o', (more, message) => {
    expect(() => parseRestoreOptions({ ...base, ...more })).toThrow(message);
  });
});
