import { performance } from 'node:perf_hooks';
import {
  DEFAULT_QUOTAS,
  PER_POOL_OPERATION_RPS,
  perPoolOperationLimit,
  QUOTA_CATEGORIES,
  type QuotaCategory,
} from '@cognito-rewind/core';

/**
 * Cognito's request-rate quota categories, from core's quota table (`cognitoQuotas.ts`). AWS meters
 * each category per account and Region with its own budget; an exhausted budget answers
 * TooManyRequestsException.
 */
export const RATE_CATEGORIES = QUOTA_CATEGORIES;
export type RateCategory = QuotaCategory;

export interface RateLimit {
  /** Requests per second refilled into the bucket. */
  readonly perSecond: number;
  /** Bucket capacity: requests allowed in a burst. @default perSecond */
  readonly burst?: number;
}

export type RateLimits = Partial<Record<RateCategory, RateLimit>>;

/** Category limits plus, optionally, AWS's per-pool limit on single operations (see SPEC.md). */
export type RateLimitConfig = RateLimits & {
  /**
   * One more bucket per (user pool, operation) for the operations AWS limits per pool (5 RPS for
   * each operation of UserPoolResourceRead/Update and UserPoolClientRead/Update). `true` uses
   * AWS's rate; a RateLimit replaces it (tests use a tiny one). @default false
   */
  readonly perPoolOperationLimits?: boolean | RateLimit;
};

/** AWS's default quotas (requests per second) for every category, for runs that want realism. */
export const AWS_DEFAULT_RATE_LIMITS: Readonly<Record<RateCategory, RateLimit>> = Object.fromEntries(
  QUOTA_CATEGORIES.map((category) => [category, { perSecond: DEFAULT_QUOTAS[category].perSecond }]),
) as Record<RateCategory, RateLimit>;

/** AWS's defaults and its per-pool limit on single operations: the closest to a real account. */
export const AWS_RATE_LIMITS_WITH_PER_POOL: Readonly<RateLimitConfig> = {
  ...AWS_DEFAULT_RATE_LIMITS,
  perPoolOperationLimits: true,
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

/**
 * One bucket per configured category (a category without a limit is never throttled) and, when
 * enabled, one per (pool, operation) for the operations AWS limits per pool, made on first use.
 */
export class Throttle {
  private buckets = new Map<RateCategory, TokenBucket>();
  private perPool: RateLimit | undefined;
  private poolBuckets = new Map<string, TokenBucket>();

  constructor(limits: RateLimitConfig = {}) {
    this.configure(limits);
  }

  /** Replaces every limit; buckets start full. */
  configure(limits: RateLimitConfig): void {
    this.buckets = new Map();
    for (const category of RATE_CATEGORIES) {
      const limit = limits[category];
      if (limit !== undefined) this.buckets.set(category, new TokenBucket(limit.perSecond, limit.burst));
    }
    const perPool = limits.perPoolOperationLimits;
    this.perPool = perPool === true ? { perSecond: PER_POOL_OPERATION_RPS } : perPool || undefined;
    this.poolBuckets = new Map();
  }

  /** Whether a call may go ahead. The per-pool bucket goes first: its refusal costs the category nothing. */
  tryTake(category: RateCategory, operation: string, poolId: string | undefined): boolean {
    if (
      this.perPool !== undefined &&
      poolId !== undefined &&
      perPoolOperationLimit(operation) !== undefined
    ) {
      const key = `${poolId} ${operation}`;
      let bucket = this.poolBuckets.get(key);
      if (bucket === undefined) {
        bucket = new TokenBucket(this.perPool.perSecond, this.perPool.burst);
        this.poolBuckets.set(key, bucket);
      }
      if (!bucket.take()) return false;
    }
    return this.buckets.get(category)?.take() ?? true;
  }
}
