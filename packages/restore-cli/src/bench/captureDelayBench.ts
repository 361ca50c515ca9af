import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type ChangeRecord,
  collectState,
  readPoolState,
  stateAt,
  toPoolDocument,
} from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startLocalStack } from '../local/stack/localStack.js';
import { latencySummary, round } from './captureShared.js';

const CALLS = Number(process.env.BENCH_CAPTURE_DELAY_CALLS ?? 1_000);
const RATE = Number(process.env.BENCH_CAPTURE_DELAY_RATE ?? 50);
const DELAY_MS = Number(process.env.BENCH_CAPTURE_DELAY_MS ?? 30_000);
const USERS = 100;

/** One call of the mix, by its index: creates first, then updates, status, memberships and deletions. */
async function call(
  cognito: CognitoIdentityProviderClient,
  UserPoolId: string,
  i: number,
  live: Set<string>,
) {
  const Username = `u${i % USERS}`;
  const input = { UserPoolId, Username };
  if (!live.has(Username)) {
    await cognito.send(new AdminCreateUserCommand({ ...input, MessageAction: 'SUPPRESS' }));
    live.add(Username);
    return 'AdminCreateUser';
  }
  const kind = Math.floor(i / USERS) % 6;
  if (kind === 0 || kind === 3) {
    await cognito.send(
      new AdminUpdateUserAttributesCommand({ ...input, UserAttributes: [{ Name: 'name', Value: `n${i}` }] }),
    );
    return 'AdminUpdateUserAttributes';
  }
  if (kind === 1) {
    await cognito.send(new AdminAddUserToGroupCommand({ ...input, GroupName: 'ops' }));
    return 'AdminAddUserToGroup';
  }
  if (kind === 2) {
    await cognito.send(new (i % 2 === 0 ? AdminDisableUserCommand : AdminEnableUserCommand)(input));
    return i % 2 === 0 ? 'AdminDisableUser' : 'AdminEnableUser';
  }
  if (kind === 4) {
    await cognito.send(new AdminRemoveUserFromGroupCommand({ ...input, GroupName: 'ops' }));
    return 'AdminRemoveUserFromGroup';
  }
  await cognito.send(new AdminDeleteUserCommand(input));
  live.delete(Username);
  return 'AdminDeleteUser';
}

/**
 * The true-history benchmark: a mix of calls at a steady rate through `pnpm start`'s pipeline with
 * CloudTrail's delivery delay and shuffled order (`--event-delay`, `--event-order shuffled`). Every
 * call must become its own record (matched by entity, event name and CloudTrail second), the
 * recorded state at the end must equal a full read with nothing unknown, and the latency is from
 * the event's arrival (the call, plus the delay) to its record's observation.
 */
export async function captureDelayBench(dir: string) {
  const problems: string[] = [];
  const stack = await startLocalStack({
    dir,
    port: 0,
    stackFile: false,
    eventDelayMs: DELAY_MS,
    eventOrder: 'shuffled',
    onProblem: (text) => problems.push(text),
  });
  const cognito = createCognitoClient({ endpoint: stack.cognitoEndpoint, region: stack.region });
  try {
    const poolId =
      (await cognito.send(new CreateUserPoolCommand({ PoolName: 'bench-delay' }))).UserPool?.Id ?? '';
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'ops' }));
    await stack.settle();
    const calls: { at: number; name: string; entity: string }[] = [];
    const live = new Set<string>();
    const started = Date.now();
    for (let i = 0; i < CALLS; i++) {
      const wait = started + (i * 1000) / RATE - Date.now();
      if (wait > 0) await sleep(wait);
      const at = Date.now();
      const name = await call(cognito, poolId, i, live);
      calls.push({ at, name, entity: `user:u${i % USERS}` });
    }
    const callsSeconds = (Date.now() - started) / 1000;
    await sleep(DELAY_MS + 2_000);
    await stack.settle();
    const records: ChangeRecord[] = [];
    for await (const record of stack.store.changeLog.timeline(poolId))
      if (record.source === 'cloudtrail') records.push(record);
    const latencies: number[] = [];
    let unmatched = 0;
    const used = new Set<string>();
    for (const { at, name, entity } of calls) {
      const second = new Date(Math.floor(at / 1000) * 1000).toISOString();
      const record = records.find(
        (r) =>
          !used.has(r.id) && r.entity === entity && r.event?.name === name && r.event.eventTime === second,
      );
      if (record === undefined) {
        unmatched += 1;
        continue;
      }
      used.add(record.id);
      latencies.push(Date.parse(record.observedAt) - (at + DELAY_MS));
    }
    const reader = new AwsCognitoReader(
      createCognitoClient({ endpoint: stack.cognitoEndpoint, region: stack.region }),
    );
    const truth = toPoolDocument(
      poolId,
      '',
      [],
      (await readPoolState(reader, poolId, undefined, { userMfa: false })).entities,
    );
    const now = new Date().toISOString();
    const recorded = await collectState(await stateAt(stack.store, poolId, now));
    const usersEqual = JSON.stringify(recorded.users) === JSON.stringify(truth.users);
    const names = new Set([...Object.keys(recorded.users), ...Object.keys(truth.users)]);
    const differing = [...names].filter(
      (name) => JSON.stringify(recorded.users[name]) !== JSON.stringify(truth.users[name]),
    );
    return {
      calls: CALLS,
      ratePerSecond: RATE,
      eventDelayMs: DELAY_MS,
      order: 'shuffled',
      callsSeconds: round(callsSeconds, 3),
      records: records.length,
      callsWithoutTheirRecord: unmatched,
      finalStateEqualsPool: usersEqual,
      differing: differing.slice(0, 3).map((name) => ({
        name,
        recorded: recorded.users[name] ?? null,
        pool: truth.users[name] ?? null,
      })),
      unknownAtEnd: Object.keys(recorded.unknown ?? {}).length,
      arrivalToRecord: latencySummary(latencies),
      problems: problems.length,
    };
  } finally {
    cognito.destroy();
    await stack.stop();
  }
}
