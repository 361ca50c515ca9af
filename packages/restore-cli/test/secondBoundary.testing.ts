import { setTimeout as sleep } from 'node:timers/promises';

/**
 * CloudTrail dates a call when it arrives, in whole seconds, and capture takes a Cognito date from a
 * later second for a later call's (core's `dateAgainstEvent`): a call that arrives just before a
 * second ends and is written by Cognito in the next one is, by design, not attributed to its event.
 * A test that needs every call recorded with its event makes each one early in a second.
 */
export async function clearOfSecondBoundary(marginMs = 300): Promise<void> {
  const intoSecond = Date.now() % 1_000;
  if (intoSecond > 1_000 - marginMs) await sleep(1_000 - intoSecond + 5);
}
