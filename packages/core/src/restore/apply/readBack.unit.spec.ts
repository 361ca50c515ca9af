import { describe, expect, it } from 'vitest';
import { describeMisses, readBackMisses } from './readBack.js';

describe('readBackMisses: what a task meant to change and the read-back does not show', () => {
  const expected = { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } };
  const desired = { MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: { Enabled: false } };

  it('nothing when every field meant to change did', () => {
    expect(readBackMisses(expected, desired, desired)).toEqual([]);
  });

  it('a field left as it was, with its value before, wanted and after', () => {
    const now = { ...desired, MfaConfiguration: 'OPTIONAL' };
    expect(readBackMisses(expected, desired, now)).toEqual([
      { field: 'MfaConfiguration', before: 'OPTIONAL', wanted: 'OFF', after: 'OPTIONAL' },
    ]);
  });

  it('never a field the task did not mean to change, nor one Cognito added or normalised itself', () => {
    const now = { ...desired, SmsMfaConfiguration: { SmsAuthenticationMessage: '{####}' } };
    expect(readBackMisses(expected, desired, now)).toEqual([]);
    const user = { attributes: { email: 'a@x', tenant: 'evil' }, enabled: true };
    const wanted = { attributes: { email: 'a@x', tenant: 't1' }, enabled: true };
    const read = { attributes: { email: 'A@x', tenant: 't1' }, enabled: true };
    expect(readBackMisses(user, wanted, read)).toEqual([]);
  });

  it('a creation checks every field it sets; a deletion checks that the entity is gone', () => {
    expect(readBackMisses(null, { Precedence: 1 }, { Precedence: 2, RoleArn: 'x' })).toEqual([
      { field: 'Precedence', before: undefined, wanted: 1, after: 2 },
    ]);
    expect(readBackMisses({ Precedence: 1 }, null, { Precedence: 1 })).toEqual([
      { field: '(entity)', before: 'present', wanted: 'absent', after: 'present' },
    ]);
    expect(readBackMisses(null, { Precedence: 1 }, null)).toHaveLength(1);
  });

  it('names a user attribute that did not take without its values (personal data)', () => {
    const misses = readBackMisses(
      { attributes: { email: 'old@example.com' } },
      { attributes: { email: 'alice@example.com' } },
      { attributes: { email: 'old@example.com' } },
    );
    const detail = describeMisses(misses);
    expect(detail).toContain('attributes.email');
    expect(detail).not.toContain('example.com');
  });
});
