import { isRewindError } from '@cognito-rewind/core';
import { describe, expect, it } from 'vitest';
import { HandlerConfigError } from '../errors.js';
import { readHandlerEnv, readPoolIds } from './handlerEnv.js';

const base = { REWIND_BUCKET: 'backups', REWIND_TABLE: 'changes', AWS_REGION: 'eu-west-1' };

describe('readHandlerEnv', () => {
  it('reads the required and optional variables, leaving out the ones not set', () => {
    expect(
      readHandlerEnv({ ...base, REWIND_PREFIX: 'prod', REWIND_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }),
    ).toEqual({
      bucket: 'backups',
      table: 'changes',
      prefix: 'prod',
      region: 'eu-west-1',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      hasAccessKey: false,
    });
  });

  it('reads the retention of personal data in the event trail, in days', () => {
    expect(readHandlerEnv({ ...base, REWIND_PERSONAL_DATA_RETENTION_DAYS: ' 90 ' })).toMatchObject({
      personalDataRetentionDays: 90,
    });
    expect(readHandlerEnv(base)).not.toHaveProperty('personalDataRetentionDays');
  });

  it("reads how uncertain the services' time may be before writes are refused, in seconds", () => {
    expect(readHandlerEnv({ ...base, REWIND_CLOCK_TOLERANCE_SECONDS: '30.5' })).toMatchObject({
      clockToleranceMs: 30_500,
    });
    expect(readHandlerEnv(base)).not.toHaveProperty('clockToleranceMs');
  });

  it.each([
    [{ REWIND_TABLE: 'changes' }, 'environment variable REWIND_BUCKET is not set'],
    [{ REWIND_BUCKET: 'backups', REWIND_TABLE: '  ' }, 'environment variable REWIND_TABLE is not set'],
    [{ ...base, REWIND_S3_ENDPOINT: 'localhost:4569' }, 'REWIND_S3_ENDPOINT is not an http(s) URL'],
    [{ ...base, REWIND_COGNITO_ENDPOINT: 'not a url' }, 'REWIND_COGNITO_ENDPOINT is not a URL: "not a url"'],
    [{ ...base, REWIND_PERSONAL_DATA_RETENTION_DAYS: '0' }, 'is not a positive number of days: "0"'],
    [{ ...base, REWIND_PERSONAL_DATA_RETENTION_DAYS: '90d' }, 'is not a positive number of days: "90d"'],
    [
      { ...base, REWIND_CLOCK_TOLERANCE_SECONDS: '300' },
      'REWIND_CLOCK_TOLERANCE_SECONDS is not a number of seconds above 0 and under 300 (the change log\'s position lag): "300"',
    ],
    [{ ...base, REWIND_CLOCK_TOLERANCE_SECONDS: '2m' }, 'is not a number of seconds above 0'],
  ])('names what is wrong: %j', (env, message) => {
    let thrown: unknown;
    try {
      readHandlerEnv(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HandlerConfigError);
    expect(isRewindError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });
});

describe('readPoolIds', () => {
  it('splits on commas, trims, drops empty items and repeats', () => {
    expect(readPoolIds({ REWIND_POOL_IDS: ' eu-west-1_Ab12, ,us-east-1_Cd34,eu-west-1_Ab12,' })).toEqual([
      'eu-west-1_Ab12',
      'us-east-1_Cd34',
    ]);
  });

  it.each([
    [{}, 'REWIND_POOL_IDS is not set'],
    [{ REWIND_POOL_IDS: ' , ' }, 'REWIND_POOL_IDS names no pool'],
    [{ REWIND_POOL_IDS: 'eu-west-1_Ab12;us-east-1_Cd34' }, 'holds "eu-west-1_Ab12;us-east-1_Cd34"'],
    [{ REWIND_POOL_IDS: 'eu-west-1_Ab12,../etc' }, 'holds "../etc", not a user pool id'],
  ])('refuses %j', (env, message) => {
    expect(() => readPoolIds(env)).toThrow(message);
  });
});
