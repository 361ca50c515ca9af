import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimiter.js';

/** A limiter on a virtual clock: sleeping moves time, so the schedule it keeps can be read off exactly. */
function virtualLimiter(rates?: ConstructorParameters<typeof RateLimiter>[0]['rates']) {
  let now = 0;
  const limiter = new RateLimiter({
    ...(rates ? { rates } : {}),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { limiter, now: () => now };
}

describe('RateLimiter', () => {
  it('lets a category burst for 0.8 s of its rate, then paces it at its default rate', async () => {
    const { limiter, now } = virtualLimiter();
    for (let i = 0; i < 20; i++) await limiter.acquire('AdminAddUserToGroup');
    expect(now()).toBe(0);
    await limiter.acquire('AdminAddUserToGroup');
    expect(now()).toBeCloseTo(40, 0);
    for (let i = 0; i < 54; i++) await limiter.acquire('AdminUpdateUserAttributes');
    // UserUpdate is 25/s: 75 calls need the burst of 20 plus 55 / 25 seconds.
    expect(now()).toBeCloseTo(2200, 0);
    expect(limiter.calls.get('UserUpdate')).toBe(75);
  });

  it('paces categories independently', async () => {
    const { limiter, now } = virtualLimiter();
    for (let i = 0; i < 100; i++) await limiter.acquire('AdminCreateUser');
    // UserCreation is 50/s: 100 calls take the burst of 40 plus 1.2 s, whatever UserUpdate does.
    expect(now()).toBeCloseTo(1200, 0);
    expect(limiter.calls.get('UserCreation')).toBe(100);
  });

  it('takes a raised rate for an adjustable category', async () => {
    const { limiter, now } = virtualLimiter({ UserCreation: 100 });
    for (let i = 0; i < 200; i++) await limiter.acquire('AdminCreateUser');
    expect(now()).toBeCloseTo(1200, 0);
  });

  it('holds each pool-resource operation to 5/s even when its category allows more', async () => {
    const { limiter, now } = virtualLimiter();
    for (let i = 0; i < 15; i++) await limiter.acquire('CreateGroup');
    // UserPoolResourceUpdate is 15/s, but one operation on one pool only 5/s: 15 calls take 2.2 s.
    expect(now()).toBeCloseTo(2200, 0);
  });

  it('halves a throttled category and wins the rate back with successes', async () => {
    const { limiter, now } = virtualLimiter();
    for (let i = 0; i < 20; i++) await limiter.acquire('AdminDeleteUser');
    limiter.throttled('AdminDeleteUser');
    const before = now();
    for (let i = 0; i < 10; i++) await limiter.acquire('AdminDeleteUser');
    // At 12.5/s, ten calls take 0.8 s (at 25/s they would take 0.4 s).
    expect(now() - before).toBeCloseTo(800, 0);
    expect(limiter.throttles.get('UserUpdate')).toBe(1);
    for (let i = 0; i < 20; i++) limiter.succeeded('AdminDeleteUser');
    const after = now();
    for (let i = 0; i < 25; i++) await limiter.acquire('AdminDeleteUser');
    // Back at 25/s: 25 more calls take about a second (what is left of the bucket shortens it a little).
    expect(now() - after).toBeGreaterThan(900);
    expect(now() - after).toBeLessThanOrEqual(1000);
  });

  it('lets operations outside AWS table through unpaced', async () => {
    const { limiter, now } = virtualLimiter();
    for (let i = 0; i < 1000; i++) await limiter.acquire('SomethingNew');
    expect(now()).toBe(0);
    expect(limiter.calls.get('Uncategorized')).toBe(1000);
  });
});
