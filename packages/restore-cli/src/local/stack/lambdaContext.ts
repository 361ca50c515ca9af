import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Lambda's own timeout for the handlers run locally: what `getRemainingTimeInMillis` counts down from. */
const TIMEOUT_MS = 5 * 60_000;

/**
 * The invocation context Lambda hands a handler, for a handler called in this process: Powertools
 * reads the names and request id from it, and a long job its remaining time.
 */
export function lambdaContext(functionName: string, region: string): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, TIMEOUT_MS - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
