import { performance } from 'node:perf_hooks';

/**
 * Cognito's request-rate quota categories for the operations the fake implements. AWS meters each
 * category per account and Region with its own budget; an exhausted budget answers
 * TooManyRequestsException.
 */
export const RATE_CATEGORIES = [
  'UserCreation',
  'UserRead',
  'UserUpdate',
  'UserList',
  'UserPoolRead',
  'UserPoolUpdate',
  'UserPoolResourceRead',
  'UserPoolResourceUpdate',
] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

export interface RateLimit {
  /** Requests per second refilled into the bucket. */
  readonly perSecond: number;
  /** Bucket capacity: requests allowed in a burst. @default perSecond */
  readonly burst?: number;
}

export type RateLimits = Partial<Record<RateCategory, RateLimit>>;

/** AWS's default quotas (requests per second) for these categories, for runs that want realism. */
export const AWS_DEFAULT_RATE_LIMITS: Readonly<Record<RateCategory, RateLimit>> = {
  UserCreation: { perSecond: 50 },
  UserRead: { perSecond: 120 },
  UserUpdate: { perSecond: 25 },
  UserList: { perSecond: 30 },
  UserPoolRead: { perSecond: 15 },
  UserPoolUpdate: { perSecond: 15 },
  UserPoolResourceRead: { perSecond: 20 },
  UserPoolResourceUpdate: { perSecond: 15 },
};

/** A token bucket on the monotonic clock: starts full, refills continuously, never above capacity. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    burst?: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, burst ?? perSecond);
    this.tokens = this.capacity;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One bucket per configured category; a category without a limit is never throttled. */
export class Throttle {
  private buckets = new Map<RateCategory, TokenBucket>();

  constructor(limits: RateLimits = {}) {
    this.configure(limits);
  }

  /** Replaces every limit; buckets start full. */
  configure(limits: RateLimits): void {
    this.buckets = new Map();
    for (const category of RATE_CATEGORIES) {
      const limit = limits[category];
      if (limit !== undefined) this.buckets.set(category, new TokenBucket(limit.perSecond, limit.burst));
    }
  }

  tryTake(category: RateCategory): boolean {
    return this.buckets.get(category)?.take() ?? true;
  }
}
