import { describe, expect, it } from 'vitest';
import { conflictingFields } from './liveConflict.js';

describe('conflictingFields: what changed since the plan that the restore does not set', () => {
  const expected = { Description: 'broken', Precedence: 7, attributes: { email: 'a@x', tenant: 'evil' } };
  const desired = { Description: 'the team', Precedence: 1, attributes: { email: 'a@x', tenant: 't1' } };

  it('an entity as planned is no conflict', () => {
    expect(conflictingFields(expected, desired, expected)).toEqual([]);
  });

  it('a field someone set to a value of their own is, named to the attribute', () => {
    const now = { ...expected, attributes: { email: 'a@x', tenant: 'by-hand' } };
    expect(conflictingFields(expected, desired, now)).toEqual(['attributes.tenant']);
    expect(conflictingFields(expected, desired, { ...expected, Precedence: 3 })).toEqual(['Precedence']);
  });

  it('a field already at the value the restore writes (its own earlier phase or run) is none', () => {
    expect(conflictingFields(expected, desired, { ...expected, Precedence: 1 })).toEqual([]);
    const now = { ...expected, attributes: { email: 'a@x', tenant: 't1' } };
    expect(conflictingFields(expected, desired, now)).toEqual([]);
  });

  it('a field added that the restore does not set is one', () => {
    expect(conflictingFields(expected, desired, { ...expected, RoleArn: 'arn:x' })).toEqual(['RoleArn']);
  });

  it('an entity that appeared or vanished since the plan always is', () => {
    expect(conflictingFields(null, desired, desired)).toEqual(['(entity)']);
    expect(conflictingFields(expected, null, null)).toEqual(['(entity)']);
    expect(conflictingFields(null, desired, null)).toEqual([]);
  });

  it('a change to an entity the restore deletes is one', () => {
    expect(conflictingFields(expected, null, { ...expected, Precedence: 1 })).toEqual(['Precedence']);
  });

  it('MFA settings the plan could not see are not compared', () => {
    const now = { ...expected, mfa: { enabled: ['SMS_MFA'], preferred: null } };
    expect(conflictingFields(expected, desired, now)).toEqual([]);
  });
});
