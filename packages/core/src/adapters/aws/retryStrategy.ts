import { DefaultRateLimiter, type StandardRetryStrategy } from '@smithy/util-retry';
import { isNobodyThereError, isUnsupportedError } from './cognitoErrors.js';

// The SDK's retry types, taken from the strategy class so that no extra @smithy package is needed.
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];
type RetryToken = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[0];

export interface RetryOptions {
  /** Attempts per call when it fails with a transient error, the first included. @default 5 */
  readonly maxAttempts?: number;
  /**
   * Attempts per call while Cognito throttles it, the first included. A multi-hour scan of a big pool
   * meets throttling routinely, so it gets the longer budget. A caller that sets only `maxAttempts`
   * (1 to fail fast, say) gets that bound for throttling too.
   * @default `maxAttempts` when given, else 10
   */
  readonly throttlingMaxAttempts?: number;
  /** Base of the exponential backoff after a transient error (ms). @default 100 */
  readonly baseDelayMs?: number;
  /** Base of the exponential backoff after a throttling error (ms). @default 500 */
  readonly throttlingBaseDelayMs?: number;
  /** Upper bound of one backoff delay (ms), before jitter. @default 20000 */
  readonly maxDelayMs?: number;
  /** `adaptive` adds the SDK's client-side rate limiter, which slows down after throttling. @default 'standard' */
  readonly retryMode?: 'standard' | 'adaptive';
  /** The jitter source, a number in [0, 1); tests pin it to check the bounds. @default Math.random */
  readonly random?: () => number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_THROTTLING_MAX_ATTEMPTS = 10;

class Token implements RetryToken {
  readonly $retryLog = { acquisitionDelay: 0 };
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
  getRetryCost(): number | undefined {
    return undefined;
  }
}

/**
 * The SDK's standard/adaptive retry, with three differences that matter for Cognito Rewind:
 * - throttling has its own, larger attempt budget (10 against 5), so long scans ride out quota bursts
 *   while a failing server still fails fast;
 * - both base delays are configurable (the SDK pins throttling at 1 s), so tests run in milliseconds;
 * - "unsupported operation" answers (cognito-local's HTTP 500) and "nobody listens there" socket errors
 *   are never retried: the SDK would treat both as transient and make every backup wait them out.
 * Throttling (TooManyRequestsException, ThrottlingException, LimitExceededException, HTTP 429) and
 * transient errors back off exponentially (capped at `maxDelayMs`) with full jitter, honouring a
 * Retry-After hint. Attempts count every failure of the call; the bound is that of the latest error.
 */
export class CognitoRetryStrategy {
  readonly mode: string;
  private readonly maxAttempts: number;
  private readonly throttlingMaxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly throttlingBaseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly rateLimiter: DefaultRateLimiter | undefined;

  constructor(options: RetryOptions = {}) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.throttlingMaxAttempts = Math.max(
      1,
      options.throttlingMaxAttempts ?? options.maxAttempts ?? DEFAULT_THROTTLING_MAX_ATTEMPTS,
    );
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.throttlingBaseDelayMs = options.throttlingBaseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.random = options.random ?? Math.random;
    this.mode = options.retryMode ?? 'standard';
    this.rateLimiter = this.mode === 'adaptive' ? new DefaultRateLimiter() : undefined;
  }

  /** The larger of the two attempt bounds: what the SDK announces in its `amz-sdk-request` header. */
  get mostAttempts(): number {
    return Math.max(this.maxAttempts, this.throttlingMaxAttempts);
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    await this.rateLimiter?.getSendToken();
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    this.rateLimiter?.updateClientSendingRate(info);
    const retries = token.getRetryCount();
    const throttled = info.errorType === 'THROTTLING';
    const attempts = throttled ? this.throttlingMaxAttempts : this.maxAttempts;
    if (!this.retryable(info) || retries + 1 >= attempts) {
      // The SDK's retry middleware answers this by rethrowing the call's own error.
      throw new Error('No retry token available');
    }
    const base = throttled ? this.throttlingBaseDelayMs : this.baseDelayMs;
    let delay = Math.floor(this.random() * Math.min(base * 2 ** retries, this.maxDelayMs));
    if (info.retryAfterHint instanceof Date) {
      delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), this.maxDelayMs));
    }
    await this.rateLimiter?.getSendToken();
    return new Token(retries + 1, delay);
  }

  recordSuccess(_token: RetryToken): void {
    this.rateLimiter?.updateClientSendingRate({});
  }

  private retryable(info: RetryErrorInfo): boolean {
    if (info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT') return false;
    return !isUnsupportedError(info.error) && !isNobodyThereError(info.error);
  }
}
