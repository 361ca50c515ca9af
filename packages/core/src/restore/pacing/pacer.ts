import type { Paced } from '../../cognito/readLiveEntity.js';
import { CognitoThrottledError } from '../../errors.js';
import type { RateLimiter } from './rateLimiter.js';

const isThrottled = (error: unknown) =>
  error instanceof CognitoThrottledError ||
  ['TooManyRequestsException', 'ThrottlingException'].includes((error as { name?: string })?.name ?? '');

/**
 * Every Cognito call of a restore goes through this: it waits for its quota category's budget, and a
 * throttling answer slows the category down (the limiter halves its rate) before the call is retried
 * with exponential backoff and jitter, up to `retries` times.
 */
export function pacer(limiter: RateLimiter, sleep: (ms: number) => Promise<void>, retries: number): Paced {
  return async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      await limiter.acquire(operation);
      try {
        const value = await call();
        limiter.succeeded(operation);
        return value;
      } catch (error) {
        if (!isThrottled(error) || attempt >= retries) throw error;
        limiter.throttled(operation);
        await sleep(Math.min(20_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  };
}
