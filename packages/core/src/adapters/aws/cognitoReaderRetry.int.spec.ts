import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CognitoThrottledError } from '../../errors.js';
import { AwsCognitoReader, type AwsCognitoReaderOptions } from './awsCognitoReader.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_THROTTLING_MAX_ATTEMPTS } from './retryStrategy.js';

/*
 * The default attempt budgets, over loopback: throttling gets the long one, transient errors the
 * short one. Only the delays are shrunk (milliseconds instead of AWS's seconds); the attempt counts
 * are the defaults a real backup runs with.
 */

let running: RunningCognitoFake;
let poolId: string;
const readers: AwsCognitoReader[] = [];

const make = (options: AwsCognitoReaderOptions = {}) => {
  const reader = new AwsCognitoReader({
    endpoint: running.endpoint,
    baseDelayMs: 1,
    throttlingBaseDelayMs: 1,
    maxDelayMs: 8,
    ...options,
  });
  readers.push(reader);
  return reader;
};

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2 });
  poolId = running.fake.createPool({ PoolName: 'retry' });
});

afterEach(() => {
  running.fake.clearFaults();
  running.fake.resetCounts();
});

afterAll(async () => {
  for (const reader of readers) reader.close();
  await running.stop();
});

describe('AwsCognitoReader retry budgets (defaults)', () => {
  it('rides out nine throttled answers in a row, and gives up on the tenth', async () => {
    expect(DEFAULT_THROTTLING_MAX_ATTEMPTS).toBe(10);
    const { fake } = running;
    fake.failNext('DescribeUserPool', { type: 'TooManyRequestsException', times: 9 });
    expect((await make().describeUserPool(poolId)).Id).toBe(poolId);
    expect(fake.callCount('DescribeUserPool')).toBe(10);

    fake.resetCounts();
    fake.failNext('DescribeUserPool', { type: 'TooManyRequestsException', times: 10 });
    const error = await make()
      .describeUserPool(poolId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoThrottledError);
    expect(error).toMatchObject({ operation: 'DescribeUserPool', attempts: 10 });
    expect(fake.callCount('DescribeUserPool')).toBe(10);
  });

  it('keeps the shorter budget for transient server errors', async () => {
    expect(DEFAULT_MAX_ATTEMPTS).toBe(5);
    const { fake } = running;
    fake.failNext('GetUserPoolMfaConfig', { type: 'InternalErrorException', status: 500, times: 5 });
    const error = await make()
      .getMfaConfig(poolId)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InternalErrorException' });
    expect(fake.callCount('GetUserPoolMfaConfig')).toBe(5);
  });

  it('lets both budgets be configured separately', async () => {
    const { fake } = running;
    fake.failNext('DescribeUserPool', { type: 'TooManyRequestsException', times: 20 });
    const reader = make({ maxAttempts: 2, throttlingMaxAttempts: 12 });
    await expect(reader.describeUserPool(poolId)).rejects.toBeInstanceOf(CognitoThrottledError);
    expect(fake.callCount('DescribeUserPool')).toBe(12);
    fake.clearFaults();
    fake.failNext('GetUserPoolMfaConfig', { type: 'InternalErrorException', status: 500, times: 5 });
    await expect(reader.getMfaConfig(poolId)).rejects.toMatchObject({ name: 'InternalErrorException' });
    expect(fake.callCount('GetUserPoolMfaConfig')).toBe(2);
  });
});
