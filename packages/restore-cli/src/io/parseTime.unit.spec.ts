import { InvalidInputError } from '@cognito-rewind/core';
import { describe, expect, it } from 'vitest';
import { parseAt } from './parseTime.js';

const now = new Date('2026-01-02T03:04:05.678Z');

describe('--at', () => {
  it('accepts now, dates and zoned date-times at any precision', () => {
    expect(parseAt('now', now)).toBe('2026-01-02T03:04:05.678Z');
    expect(parseAt('2024-06-01T10:00Z', now)).toBe('2024-06-01T10:00:00.000Z');
    expect(parseAt('2024-06-01', now)).toBe('2024-06-01T00:00:00.000Z');
    expect(parseAt('2024-06-01T12:00:00.250+02:00', now)).toBe('2024-06-01T10:00:00.250Z');
  });

  it.each([
    ['yesterday', /not an ISO-8601 time/],
    ['2024-13-01', /not an ISO-8601 time/],
    ['2024-02-30T10:00Z', /not a real calendar date/],
    ['2024-06-01T10:00', /no time zone/],
    ['', /not an ISO-8601 time/],
  ])('refuses %j with a specific message', (value, message) => {
    expect(() => parseAt(value, now)).toThrow(InvalidInputError);
    expect(() => parseAt(value, now)).toThrow(message);
  });
});
