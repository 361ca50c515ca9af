import {
  DEFAULT_QUOTAS,
  operationCategory,
  perPoolOperationLimit,
  type QuotaCategory,
} from '../../quotas/cognitoQuotas.js';

export interface RateLimiterOptions {
  /** Requests per second per category, over AWS's defaults (an account that bought more). */
  rates?: Partial<Record<QuotaCategory, number>>;
  /** Milliseconds on a monotonic clock. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Seconds of its rate a bucket holds. Cognito meters its own bucket, one second deep, by when a call
 * arrives; ours counts when it is let go. Calls reach Cognito after a varying delay (signing, sockets,
 * a busy event loop, the network), and a stream that fits a bucket of depth B, each call delayed by up
 * to D, only fits one of depth B + rate × D: a client bucket as deep as Cognito's is throttled as soon
 * as two calls bunch up (on the fake, about one call in 150 of a restore at AWS's quotas). 0.8 s leaves
 * 200 ms of delay allowance; the steady pace is unchanged.
 */
const BURST_SECONDS = 0.8;

/**
 * One category's budget: a token bucket (see BURST_SECONDS) that hands out reservations in order, so
 * concurrent callers queue fairly instead of racing. Adaptive: a throttling answer halves the rate
 * (Cognito's budget is shared with every other caller in the account), and each success wins back
 * a twentieth of the configured rate, so the pace settles just under what Cognito grants.
 */
class Bucket {
  private tokens: number;
  private last: number;
  rate: number;

  constructor(
    readonly configured: number,
    now: number,
  ) {
    this.rate = configured;
    this.tokens = this.depth();
    this.last = now;
  }

  private depth(): number {
    return Math.max(1, this.rate * BURST_SECONDS);
  }

  /** Milliseconds to wait before the reserved call may go. */
  reserve(now: number): number {
    this.tokens = Math.min(this.depth(), this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  throttled(): void {
    this.rate = Math.max(this.configured / 20, this.rate / 2);
    this.tokens = Math.min(this.tokens, 0);
  }

  succeeded(): void {
    if (this.rate < this.configured) this.rate = Math.min(this.configured, this.rate + this.configured / 20);
  }
}

/** Paces calls by Cognito's quota categories (AWS's table in `quotas/cognitoQuotas.ts`). */
export class RateLimiter {
  private readonly buckets = new Map<QuotaCategory, Bucket>();
  /** AWS's second limit: 5/s per operation per pool in the pool-resource and client categories. */
  private readonly operationBuckets = new Map<string, Bucket>();
  /** Calls let through, per category. */
  readonly calls = new Map<string, number>();
  /** Throttling answers reported, per category. */
  readonly throttles = new Map<string, number>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** The rate a category runs at (configured, before any adaptive slow-down). */
  rateOf(category: QuotaCategory): number {
    return this.options.rates?.[category] ?? DEFAULT_QUOTAS[category].perSecond;
  }

  private bucket(operation: string): { category: string; bucket?: Bucket } {
    const category = operationCategory(operation);
    if (category === undefined) return { category: 'Uncategorized' };
    let bucket = this.buckets.get(category);
    if (bucket === undefined) {
      bucket = new Bucket(this.rateOf(category), this.options.now());
      this.buckets.set(category, bucket);
    }
    return { category, bucket };
  }

  /** Waits for the operation's category to have budget; returns the category. */
  async acquire(operation: string): Promise<string> {
    const { category, bucket } = this.bucket(operation);
    const now = this.options.now();
    const wait = Math.max(bucket?.reserve(now) ?? 0, this.operationBucket(operation)?.reserve(now) ?? 0);
    if (wait > 0) await this.options.sleep(wait);
    this.calls.set(category, (this.calls.get(category) ?? 0) + 1);
    return category;
  }

  /** A limiter serves one restore, so one target pool: a bucket per operation is a bucket per pool. */
  private operationBucket(operation: string): Bucket | undefined {
    const limit = perPoolOperationLimit(operation);
    if (limit === undefined) return undefined;
    let bucket = this.operationBuckets.get(operation);
    if (bucket === undefined) {
      bucket = new Bucket(limit, this.options.now());
      this.operationBuckets.set(operation, bucket);
    }
    return bucket;
  }

  throttled(operation: string): void {
    const { category, bucket } = this.bucket(operation);
    bucket?.throttled();
    this.throttles.set(category, (this.throttles.get(category) ?? 0) + 1);
  }

  succeeded(operation: string): void {
    this.bucket(operation).bucket?.succeeded();
  }
}
