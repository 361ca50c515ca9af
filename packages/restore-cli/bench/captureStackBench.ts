import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startLocalStack } from '../src/local/stack/localStack.js';
import { latencySummary, round } from './captureShared.js';

const CALLS = Number(process.env.BENCH_CAPTURE_STACK_CALLS ?? 200);
const RATE = Number(process.env.BENCH_CAPTURE_LOCAL_RATE ?? 20);

/**
 * The recovery point through `pnpm start`'s own pipeline: cognito-local behind the tap, the local
 * queue, the capture handler (Powertools batch) and the directory store. Each call is an
 * AdminCreateUser of a new user or an attribute update of the one before; its record is durable when
 * the stack reports the batch that captured it (after the handler's append returned).
 */
export async function captureStackBench(dir: string) {
  const seen: { at: number; text: string }[] = [];
  const problems: string[] = [];
  const stack = await startLocalStack({
    dir,
    port: 0,
    stackFile: false,
    onActivity: (text) => seen.push({ at: performance.now(), text }),
    onProblem: (text) => problems.push(text),
  });
  const cognito = createCognitoClient({ endpoint: stack.cognitoEndpoint, region: stack.region });
  try {
    const poolId =
      (await cognito.send(new CreateUserPoolCommand({ PoolName: 'bench-stack' }))).UserPool?.Id ?? '';
    await stack.settle();
    const expected: { resolvedAt: number; marker: string }[] = [];
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const username = `u${Math.floor(i / 2)}`;
      if (i % 2 === 0)
        await cognito.send(
          new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }),
        );
      else
        await cognito.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: poolId,
            Username: username,
            UserAttributes: [{ Name: 'name', Value: `n${i}` }],
          }),
        );
      expected.push({ resolvedAt: performance.now(), marker: `user:${username} v${i % 2 === 0 ? 1 : 2}` });
    }
    await stack.settle();
    const latencies: number[] = [];
    let missing = 0;
    for (const { resolvedAt, marker } of expected) {
      const line = seen.find((entry) => entry.at >= resolvedAt && entry.text.includes(marker));
      if (line === undefined) missing += 1;
      else latencies.push(line.at - resolvedAt);
    }
    return {
      calls: CALLS,
      ratePerSecond: RATE,
      callsSeconds: round((performance.now() - started) / 1000, 3),
      recoveryPoint: latencySummary(latencies),
      // A call whose change an earlier re-read already recorded has no line of its own.
      coveredOrMissing: missing,
      problems: problems.length,
    };
  } finally {
    cognito.destroy();
    await stack.stop();
  }
}
