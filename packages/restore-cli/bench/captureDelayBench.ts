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
import { startLocalStack } from '../src/local/stack/localStack.js';
import { latencySummary, round } from './captureShared.js';

const CALLS = Number(process.env.BENCH_CAPTURE_DELAY_CALLS ?? 1_000);
const RATE = Number(process.env.BENCH_CAPTURE_DELAY_RATE ?? 50);
const DELAY_MS = Number(process.env.BENCH_CAPTURE_DELAY_MS ?? 30_000);
const USERS = 100;

const countBy = (names: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

/**
 * One call of the mix, by its index: a round of creates, rounds of updates, memberships and status,
 * and a round of deletions last, of users made before the run. A user created and deleted before any
 * of its events arrives cannot be named at all (CloudTrail masks the username; its sub is gone): that
 * is left to reconcile, and is not what this measures.
 */
async function call(cognito: CognitoIdentityProviderClient, UserPoolId: string, i: number) {
  const input = { UserPoolId, Username: `u${i % USERS}` };
  const round = Math.floor(i / USERS);
  const last = Math.floor((CALLS - 1) / USERS);
  if (round === 0) {
    await cognito.send(new AdminCreateUserCommand({ ...input, MessageAction: 'SUPPRESS' }));
    return 'AdminCreateUser';
  }
  if (round === last && round > 1) {
    // Users made (and captured) before the run: a deletion whose user capture can name.
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: `d${i % USERS}` }));
    return 'AdminDeleteUser';
  }
  const kind = round % 4;
  if (kind === 0) {
    await cognito.send(new AdminRemoveUserFromGroupCommand({ ...input, GroupName: 'ops' }));
    return 'AdminRemoveUserFromGroup';
  }
  if (kind === 1) {
    await cognito.send(new AdminAddUserToGroupCommand({ ...input, GroupName: 'ops' }));
    return 'AdminAddUserToGroup';
  }
  if (kind === 2) {
    await cognito.send(new (i % 2 === 0 ? AdminDisableUserCommand : AdminEnableUserCommand)(input));
    return i % 2 === 0 ? 'AdminDisableUser' : 'AdminEnableUser';
  }
  await cognito.send(
    new AdminUpdateUserAttributesCommand({ ...input, UserAttributes: [{ Name: 'name', Value: `n${i}` }] }),
  );
  return 'AdminUpdateUserAttributes';
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
    for (let i = 0; i < USERS; i++)
      await cognito.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: `d${i}`, MessageAction: 'SUPPRESS' }),
      );
    await sleep(DELAY_MS + 2_000);
    await stack.settle();
    const calls: { at: number; name: string; entity: string }[] = [];
    const started = Date.now();
    for (let i = 0; i < CALLS; i++) {
      const wait = started + (i * 1000) / RATE - Date.now();
      if (wait > 0) await sleep(wait);
      const at = Date.now();
      const name = await call(cognito, poolId, i);
      calls.push({ at, name, entity: `user:${name === 'AdminDeleteUser' ? 'd' : 'u'}${i % USERS}` });
    }
    const callsSeconds = (Date.now() - started) / 1000;
    await sleep(DELAY_MS + 2_000);
    // Until capture has worked through the backlog: the record count holds still for 5 s (at most 3 min).
    let records: ChangeRecord[] = [];
    for (let stable = 0, last = -1, waited = 0; stable < 5 && waited < 180; waited++) {
      await stack.settle();
      records = [];
      for await (const record of stack.store.changeLog.timeline(poolId))
        if (record.source === 'cloudtrail') records.push(record);
      stable = records.length === last ? stable + 1 : 0;
      last = records.length;
      await sleep(1_000);
    }
    const latencies: number[] = [];
    let unmatched = 0;
    const unmatchedByName: Record<string, number> = {};
    const used = new Set<string>();
    for (const { at, name, entity } of calls) {
      const second = new Date(Math.floor(at / 1000) * 1000).toISOString();
      const record = records.find(
        (r) =>
          !used.has(r.id) && r.entity === entity && r.event?.name === name && r.event.eventTime === second,
      );
      if (record === undefined) {
        unmatched += 1;
        unmatchedByName[name] = (unmatchedByName[name] ?? 0) + 1;
        continue;
      }
      used.add(record.id);
      latencies.push(Date.parse(record.observedAt) - (at + DELAY_MS));
    }
    const outcomes: Record<string, number> = {};
    const reasons = new Set<string>();
    for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
      const page = await stack.store.trail?.query(poolId, {
        limit: 500,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const entry of page?.entries ?? []) {
        outcomes[entry.outcome] = (outcomes[entry.outcome] ?? 0) + 1;
        if (entry.reason !== undefined && reasons.size < 3) reasons.add(entry.reason.slice(0, 200));
      }
      cursor = page?.cursor;
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
      trailOutcomes: outcomes,
      trailReasons: [...reasons],
      withoutRecordByEvent: unmatchedByName,
      recordsByEvent: countBy(records.map((r) => r.event?.name ?? 'none')),
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
