import { describe, expect, it } from 'vitest';
import { resolveValidFrom } from './validFrom.js';

const observedAt = '2024-06-01T10:05:00.000Z';

describe('validFrom', () => {
  it('prefers the entity modification date, to the end of its whole second', () => {
    expect(resolveValidFrom({ observedAt, entityModifiedAt: '2024-06-01T10:00:05Z' })).toBe(
      '2024-06-01T10:00:05.999Z',
    );
    expect(resolveValidFrom({ observedAt, entityModifiedAt: '2024-06-01T10:00:05.250Z' })).toBe(
      '2024-06-01T10:00:05.250Z',
    );
  });

  it('falls back to the event time, then to when it was observed', () => {
    expect(resolveValidFrom({ observedAt, eventTime: '2024-06-01T10:01:00Z' })).toBe(
      '2024-06-01T10:01:00.999Z',
    );
    expect(resolveValidFrom({ observedAt })).toBe(observedAt);
  });

  it('is never later than the observation nor earlier than the previous record', () => {
    expect(resolveValidFrom({ observedAt, entityModifiedAt: '2024-06-01T11:00:00Z' })).toBe(observedAt);
    expect(
      resolveValidFrom({
        observedAt,
        entityModifiedAt: '2024-06-01T09:00:00.100Z',
        previousValidFrom: '2024-06-01T10:00:00.000Z',
      }),
    ).toBe('2024-06-01T10:00:00.000Z');
  });
});
