import { expect, it } from 'vitest';
import { HandlerConfigError } from '../errors.js';
import { reconcileEvery, reconcileGrace } from './reconcile.js';

it('reads how often to reconcile, a day by default, and names a bad value', () => {
  expect(reconcileEvery({})).toBe(86_400_000);
  expect(reconcileEvery({ REWIND_RECONCILE_EVERY_HOURS: '6' })).toBe(21_600_000);
  expect(reconcileEvery({ REWIND_RECONCILE_EVERY_HOURS: '0.5' })).toBe(1_800_000);
  for (const bad of ['0', '-1', 'daily', 'Infinity'])
    expect(() => reconcileEvery({ REWIND_RECONCILE_EVERY_HOURS: bad })).toThrow(HandlerConfigError);
  expect(() => reconcileEvery({ REWIND_RECONCILE_EVERY_HOURS: 'daily' })).toThrow(
    /REWIND_RECONCILE_EVERY_HOURS is "daily", not a positive number of hours/,
  );
});

it('reads how long a change is left to its event, 15 minutes by default, and names a bad value', () => {
  expect(reconcileGrace({})).toBe(900_000);
  expect(reconcileGrace({ REWIND_RECONCILE_GRACE_MINUTES: '0' })).toBe(0);
  expect(reconcileGrace({ REWIND_RECONCILE_GRACE_MINUTES: '30' })).toBe(1_800_000);
  expect(() => reconcileGrace({ REWIND_RECONCILE_GRACE_MINUTES: 'soon' })).toThrow(
    /REWIND_RECONCILE_GRACE_MINUTES is "soon", not a number of minutes/,
  );
  expect(() => reconcileGrace({ REWIND_RECONCILE_GRACE_MINUTES: '-5' })).toThrow(HandlerConfigError);
});
