import { describe, expect, it } from 'vitest';
import { isUnreachableError, isUnsupportedError } from './cognitoErrors.js';
import { CognitoRetryStrategy } from './retryStrategy.js';

type SdkError = NonNullable<Parameters<CognitoRetryStrategy['refreshRetryTokenForRetry']>[1]['error']>;

const sdkError = (name: string, status?: number, message = ''): SdkError =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } }) as SdkError;
const socketError = (code: string): SdkError =>
  Object.assign(new Error(`connect ${code}`), { code }) as SdkError;

describe('error classification', () => {
  it("recognises cognito-local's and AWS's ways of saying 'not implemented'", () => {
    expect(isUnsupportedError(sdkError('Unsupported', 500))).toBe(true);
    expect(isUnsupportedError(sdkError('UnknownOperationException', 400))).toBe(true);
    expect(isUnsupportedError(sdkError('InvalidAction', 400))).toBe(true);
    expect(isUnsupportedError(sdkError('Unknown', 500, 'Cognito Local unsupported feature: X'))).toBe(true);
    expect(isUnsupportedError(sdkError('InternalErrorException', 500, 'boom'))).toBe(false);
    expect(isUnsupportedError(sdkError('ResourceNotFoundException', 400))).toBe(false);
  });

  it('calls socket failures unreachable only when no HTTP answer came back', () => {
    expect(isUnreachableError(socketError('ECONNREFUSED'))).toBe(true);
    expect(isUnreachableError(socketError('ENOTFOUND'))).toBe(true);
    expect(isUnreachableError(new AggregateError([socketError('ECONNREFUSED')]))).toBe(true);
    expect(isUnreachableError(Object.assign(new Error('x'), { cause: socketError('ECONNRESET') }))).toBe(
      true,
    );
    expect(
      isUnreachableError(Object.assign(socketError('ECONNRESET'), { $metadata: { httpStatusCode: 502 } })),
    ).toBe(false);
    expect(isUnreachableError(sdkError('TooManyRequestsException', 400))).toBe(false);
  });
});

describe('CognitoRetryStrategy', () => {
  const strategy = (maxAttempts: number) =>
    new CognitoRetryStrategy({ maxAttempts, baseDelayMs: 8, throttlingBaseDelayMs: 16, maxDelayMs: 100 });

  it('retries throttling up to maxAttempts with delays inside the exponential bound', async () => {
    const retry = strategy(4);
    let token = await retry.acquireInitialRetryToken('');
    const info = { errorType: 'THROTTLING' as const, error: sdkError('TooManyRequestsException', 400) };
    for (let attempt = 0; attempt < 3; attempt++) {
      token = await retry.refreshRetryTokenForRetry(token, info);
      expect(token.getRetryCount()).toBe(attempt + 1);
      expect(token.getRetryDelay()).toBeGreaterThanOrEqual(0);
      expect(token.getRetryDelay()).toBeLessThan(Math.min(16 * 2 ** attempt, 100));
    }
    await expect(retry.refreshRetryTokenForRetry(token, info)).rejects.toThrow();
  });

  it('never retries unsupported answers, refused connections or client errors', async () => {
    const retry = strategy(5);
    const token = await retry.acquireInitialRetryToken('');
    const refuse = (errorType: 'TRANSIENT' | 'CLIENT_ERROR', error: SdkError) =>
      expect(retry.refreshRetryTokenForRetry(token, { errorType, error })).rejects.toThrow();
    await refuse('TRANSIENT', sdkError('Unsupported', 500));
    await refuse('TRANSIENT', socketError('ECONNREFUSED'));
    await refuse('CLIENT_ERROR', sdkError('InvalidParameterException', 400));
    const retried = await retry.refreshRetryTokenForRetry(token, {
      errorType: 'TRANSIENT',
      error: sdkError('InternalErrorException', 500),
    });
    expect(retried.getRetryCount()).toBe(1);
  });

  it('by default allows 10 attempts while throttled and 5 after transient errors', async () => {
    const retry = new CognitoRetryStrategy();
    const budget = async (errorType: 'THROTTLING' | 'TRANSIENT', error: SdkError) => {
      let token = await retry.acquireInitialRetryToken('');
      for (;;) {
        try {
          token = await retry.refreshRetryTokenForRetry(token, { errorType, error });
        } catch {
          return token.getRetryCount() + 1;
        }
      }
    };
    expect(await budget('THROTTLING', sdkError('TooManyRequestsException', 400))).toBe(10);
    expect(await budget('TRANSIENT', sdkError('InternalErrorException', 500))).toBe(5);
    expect(retry.mostAttempts).toBe(10);
    // A caller that sets only maxAttempts (1: fail fast) gets that bound for throttling too.
    expect(new CognitoRetryStrategy({ maxAttempts: 1 }).mostAttempts).toBe(1);
  });

  it('backs off exponentially from 500 ms when throttled, capped at 20 s, with full jitter', async () => {
    const delays = async (random: () => number, errorType: 'THROTTLING' | 'TRANSIENT') => {
      const retry = new CognitoRetryStrategy({ random });
      const out: number[] = [];
      let token = await retry.acquireInitialRetryToken('');
      for (let i = 0; i < (errorType === 'THROTTLING' ? 9 : 4); i++) {
        token = await retry.refreshRetryTokenForRetry(token, { errorType });
        out.push(token.getRetryDelay());
      }
      return out;
    };
    const top = () => 0.999_999;
    expect(await delays(top, 'THROTTLING')).toEqual([
      499, 999, 1_999, 3_999, 7_999, 15_999, 19_999, 19_999, 19_999,
    ]);
    expect(await delays(top, 'TRANSIENT')).toEqual([99, 199, 399, 799]);
    expect(await delays(() => 0, 'THROTTLING')).toEqual(Array(9).fill(0));
  });

  it('waits at least as long as a Retry-After hint, within the cap', async () => {
    const retry = strategy(3);
    const token = await retry.acquireInitialRetryToken('');
    const next = await retry.refreshRetryTokenForRetry(token, {
      errorType: 'THROTTLING',
      retryAfterHint: new Date(Date.now() + 10_000),
    });
    expect(next.getRetryDelay()).toBe(100);
  });
});
