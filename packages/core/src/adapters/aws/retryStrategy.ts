import { DefaultRateLimiter, type StandardRetryStrategy } from '@smithy/util-retry';
import { isNobodyThereError, isUnsupportedError } from './cognitoErrors.js';

// The SDK's retry types, taken from the strategy class so that no extra @smithy package is needed.
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];
type RetryToken = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[0];

export interface RetryOptions {
  /** Attempts per call, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff after a transient error (ms). @default 100 */
  readonly baseDelayMs?: number;
  /** Base of the exponential backoff after a throttling error (ms). @default 500 */
  readonly throttlingBaseDelayMs?: number;
  /** Upper bound of one backoff delay (ms). @default 20000 */
  readonly maxDelayMs?: number;
  /** `adaptive` adds the SDK's client-side rate limiter, which slows down after throttling. @default 'standard' */
  readonly retryMode?: 'standard' | 'adaptive';
}

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
 * The SDK's standard/adaptive retry, with two differences that matter for Cognito Rewind:
 * - both base delays are configurable (the SDK pins throttling at 1 s), so tests run in milliseconds;
 * - "unsupported operation" answers (cognito-local's HTTP 500) and "nobody listens there" socket errors
 *   are never retried: the SDK would treat both as transient and make every backup wait them out.
 * Throttling (TooManyRequestsException, ThrottlingException, LimitExceededException, HTTP 429) and
 * transient errors back off exponentially with full jitter, honouring a Retry-After hint.
 */
export class CognitoRetryStrategy {
  readonly mode: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly throttlingBaseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly rateLimiter: DefaultRateLimiter | undefined;

  constructor(options: RetryOptions = {}) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.throttlingBaseDelayMs = options.throttlingBaseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.mode = options.retryMode ?? 'standard';
    this.rateLimiter = this.mode === 'adaptive' ? new DefaultRateLimiter() : undefined;
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    await this.rateLimiter?.getSendToken();
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    this.rateLimiter?.updateClientSendingRate(info);
    const retries = token.getRetryCount();
    if (!this.retryable(info) || retries + 1 >= this.maxAttempts) {
      // The SDK's retry middleware answers this by rethrowing the call's own error.
      throw new Error('No retry token available');
    }
    const base = info.errorType === 'THROTTLING' ? this.throttlingBaseDelayMs : this.baseDelayMs;
    let delay = Math.floor(Math.random() * Math.min(base * 2 ** retries, this.maxDelayMs));
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
