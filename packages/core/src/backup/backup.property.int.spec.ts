import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  AdminUpdateUserAttributesCommand as UpdateAttributesCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { EntityEntry } from '../model/poolState.js';
import type { Clock } from '../ports.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type RunningCognitoFake, startCognitoFake } from '../testing/cognitoFake/index.js';
import { MemoryBlobStore } from '../testing/memoryBlobStore.js';
import { MemoryChangeLog } from '../testing/memoryChangeLog.js';
import { readPoolState } from './readPoolState.js';
import { takeBackup } from './takeBackup.js';
import {
  boundaryInstants,
  exactViolations,
  pointInTimeViolations,
  TrueHistory,
  type TrueState,
} from './trueHistory.testing.js';

/**
 * The whole backup path against a recorded true history: a Cognito-protocol fake over loopback, the
 * real SDK reader, takeBackup, the change log, snapshots and stateAt. Operations and backups happen at
 * strictly increasing instants of one hand-moved clock, shared by the fake and the backup; after each
 * operation the pool is read (as a backup reads it) to record what was true from that instant on.
 */

const USERS = ['ann', 'bob', 'cy/z'];
const GROUPS = ['admins', 'ops'];
const ATTRIBUTES = ['email', 'name', 'custom:tier'];
const VALUES = ['alpha', 'beta'];
/** Values only a re-created user starts with, so its attributes differ from its predecessor's. */
const FRESH_VALUES = ['gamma', 'delta'];

type Op =
  | { op: 'createUser'; user: string; attributes: Record<string, string> }
  | { op: 'setAttribute'; user: string; name: string; value: string }
  | { op: 'deleteAttribute'; user: string; name: string }
  | { op: 'deleteUser'; user: string }
  | { op: 'setEnabled'; user: string; enabled: boolean }
  | { op: 'addToGroup' | 'removeFromGroup'; user: string; group: string }
  | { op: 'createGroup' | 'describeGroup'; group: string; description: string }
  | { op: 'deleteGroup'; group: string }
  | { op: 'backup' };
/** A step as generated: an operation, or a wish that becomes the operations it needs (see `plan`). */
type Planned = Op | { op: 'joinGroup'; user: string; group: string };
/** Milliseconds after the previous step, or onto a whole second (`k` seconds after the next one). */
type Gap = { ms: number } | { wholeSecond: number };
type Step = { gap: Gap; action: Planned };

const user = fc.constantFrom(...USERS);
const group = fc.constantFrom(...GROUPS);
const attribute = fc.constantFrom(...ATTRIBUTES);
const value = fc.constantFrom(...VALUES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('createUser'), user, attributes: fc.dictionary(attribute, value) }),
  fc.record({ op: fc.constant('setAttribute'), user, name: attribute, value }),
  fc.record({ op: fc.constant('deleteAttribute'), user, name: attribute }),
  fc.record({ op: fc.constant('deleteUser'), user }),
  fc.record({ op: fc.constant('setEnabled'), user, enabled: fc.boolean() }),
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('addToGroup', 'removeFromGroup'), user, group }) },
  fc.record({ op: fc.constantFrom('createGroup', 'describeGroup'), group, description: value }),
  fc.record({ op: fc.constant('deleteGroup'), group }),
);
const gapArb: fc.Arbitrary<Gap> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ ms: fc.integer({ min: 1, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ ms: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ wholeSecond: fc.integer({ min: 0, max: 3 }) }) },
);
const stepArb = (action: fc.Arbitrary<Planned>) => fc.record({ gap: gapArb, action });
const backup = fc.constant<Op>({ op: 'backup' });

/** Gives each action of a sequence its gap (shrinks better than `chain`: the shape stays a record). */
const withGaps = (actions: Planned[], gaps: readonly Gap[]): Step[] =>
  actions.map((action, i) => ({ gap: gaps[i] ?? { ms: 1 }, action }));
const gapsArb = fc.array(gapArb, { minLength: 7, maxLength: 7 });

/**
 * A user in groups, usually backed up so, then deleted and created again under the same name with
 * other attributes, in no groups or (sometimes) in some: nothing of the old user may show on the new.
 */
const recreateUserArb: fc.Arbitrary<Step[]> = fc
  .record({
    user,
    groupsBefore: fc.subarray(GROUPS, { minLength: 1 }),
    backupBefore: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
    attributes: fc.dictionary(attribute, fc.constantFrom(...FRESH_VALUES), { minKeys: 1 }),
    groupsAfter: fc.oneof(fc.constant<string[]>([]), fc.subarray(GROUPS)),
    gaps: gapsArb,
  })
  .map(({ user, groupsBefore, backupBefore, attributes, groupsAfter, gaps }) => {
    const join = (group: string): Planned => ({ op: 'joinGroup', user, group });
    const actions: Planned[] = [
      ...groupsBefore.map(join),
      ...(backupBefore ? [{ op: 'backup' } as const] : []),
      { op: 'deleteUser', user },
      { op: 'createUser', user, attributes },
      ...groupsAfter.map(join),
    ];
    return withGaps(actions, gaps);
  });
/** A group deleted and created again with another description. */
const recreateGroupArb: fc.Arbitrary<Step[]> = fc.record({ group, gaps: gapsArb }).map(({ group, gaps }) =>
  withGaps(
    [
      { op: 'deleteGroup', group },
      { op: 'createGroup', group, description: FRESH_VALUES[0] ?? 'gamma' },
    ],
    gaps,
  ),
);
const scenarioArb = fc.record({
  /** Operations before the first backup: the first snapshot is not always empty. */
  setup: fc.array(stepArb(opArb), { maxLength: 4 }),
  body: fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.tuple(stepArb(opArb)) },
        { weight: 1, arbitrary: fc.tuple(stepArb(backup)) },
        { weight: 1, arbitrary: recreateUserArb },
        { weight: 1, arbitrary: recreateGroupArb },
      ),
      { minLength: 2, maxLength: 24, size: 'max' },
    )
    .map((chunks): Step[] => chunks.flat()),
  gapToLast: gapArb,
  /** Cognito's dates in whole seconds (as the design assumes) or with milliseconds (as the fake keeps them). */
  wholeSecondDates: fc.boolean(),
  /** Where to look, as fractions (per million) of the span from the first backup to the end. */
  probes: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 3, maxLength: 10 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

const advance = (time: number, gap: Gap) =>
  'ms' in gap ? time + gap.ms : (Math.floor(time / 1000) + 1 + gap.wholeSecond) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A join becomes what it takes: the group, the user and the membership, each only if missing. */
function plan(action: Planned, state: TrueState): Op[] {
  if (action.op !== 'joinGroup') return [adapt(action, state)];
  const { user, group } = action;
  const groups = state.users.get(user)?.groups;
  const ops: Op[] = [];
  if (!state.groups.has(group)) ops.push({ op: 'createGroup', group, description: 'alpha' });
  if (!state.users.has(user)) ops.push({ op: 'createUser', user, attributes: { name: 'alpha' } });
  if (!(Array.isArray(groups) && groups.includes(group))) ops.push({ op: 'addToGroup', user, group });
  return ops;
}

/** An operation the pool would refuse becomes one it takes, so every step changes something. */
function adapt(action: Op, state: TrueState): Op {
  if (action.op === 'backup') return action;
  if ('user' in action && action.op !== 'createUser' && !state.users.has(action.user))
    return { op: 'createUser', user: action.user, attributes: { name: 'alpha' } };
  if ('group' in action && action.op !== 'createGroup' && !state.groups.has(action.group))
    return { op: 'createGroup', group: action.group, description: 'alpha' };
  switch (action.op) {
    case 'createUser': {
      const [name, set] = Object.entries(action.attributes)[0] ?? ['name', 'beta'];
      return state.users.has(action.user)
        ? { op: 'setAttribute', user: action.user, name, value: set }
        : action;
    }
    case 'createGroup':
      return state.groups.has(action.group) ? { ...action, op: 'describeGroup' } : action;
    case 'addToGroup':
    case 'removeFromGroup': {
      const groups = state.users.get(action.user)?.groups;
      const member = Array.isArray(groups) && groups.includes(action.group);
      return { ...action, op: member ? 'removeFromGroup' : 'addToGroup' };
    }
    default:
      return action;
  }
}

let now = Date.parse('2024-06-01T10:00:00.250Z');
let wholeSecondDates = false;
/** The backup's clock: the instant each step happens. */
const clock: Clock = { now: () => new Date(now) };
/** The fake's clock: the same instant, cut to its second in runs where Cognito's dates are whole seconds. */
const cognitoNow = () => new Date(wholeSecondDates ? Math.floor(now / 1000) * 1000 : now);
let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;

/** Sends the operation to Cognito through the SDK. */
async function apply(UserPoolId: string, action: Op): Promise<unknown> {
  const send = cognito.send.bind(cognito);
  switch (action.op) {
    case 'createUser': {
      const UserAttributes = Object.entries(action.attributes).map(([Name, Value]) => ({ Name, Value }));
      const input = { UserPoolId, Username: action.user, UserAttributes, MessageAction: 'SUPPRESS' as const };
      return send(new AdminCreateUserCommand(input));
    }
    case 'setAttribute': {
      const UserAttributes = [{ Name: action.name, Value: action.value }];
      return send(new UpdateAttributesCommand({ UserPoolId, Username: action.user, UserAttributes }));
    }
    case 'deleteAttribute': {
      const input = { UserPoolId, Username: action.user, UserAttributeNames: [action.name] };
      return send(new AdminDeleteUserAttributesCommand(input));
    }
    case 'deleteUser':
      return send(new AdminDeleteUserCommand({ UserPoolId, Username: action.user }));
    case 'setEnabled': {
      const input = { UserPoolId, Username: action.user };
      return action.enabled
        ? send(new AdminEnableUserCommand(input))
        : send(new AdminDisableUserCommand(input));
    }
    case 'addToGroup':
      return send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: action.user, GroupName: action.group }),
      );
    case 'removeFromGroup': {
      const input = { UserPoolId, Username: action.user, GroupName: action.group };
      return send(new AdminRemoveUserFromGroupCommand(input));
    }
    case 'createGroup':
      return send(
        new CreateGroupCommand({ UserPoolId, GroupName: action.group, Description: action.description }),
      );
    case 'describeGroup':
      return send(
        new UpdateGroupCommand({ UserPoolId, GroupName: action.group, Description: action.description }),
      );
    case 'deleteGroup':
      return send(new DeleteGroupCommand({ UserPoolId, GroupName: action.group }));
    case 'backup':
      return undefined;
  }
}

/** Runs one scenario on a new pool; returns what broke, with the executed trace for diagnosis. */
async function run(scenario: Scenario): Promise<{ violations: string[]; trace: string[] }> {
  const stores = { snapshots: new SnapshotStore(new MemoryBlobStore()), changeLog: new MemoryChangeLog() };
  now += 3_600_000; // every run later than the last: ids and snapshot keys follow the clock
  wholeSecondDates = scenario.wholeSecondDates;
  const created = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'property',
      Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
    }),
  );
  const poolId = created.UserPool?.Id ?? '';
  const history = new TrueHistory();
  const observe = async () => history.record(now, (await readPoolState(reader, poolId)).entities);
  await observe();
  const trace = [`Cognito dates in ${wholeSecondDates ? 'whole seconds' : 'milliseconds'}`];
  const backups: number[] = [];
  const steps: Step[] = [
    ...scenario.setup,
    { gap: { ms: 1 }, action: { op: 'backup' } },
    ...scenario.body,
    { gap: scenario.gapToLast, action: { op: 'backup' } },
  ];
  for (const step of steps) {
    // Each operation of a step at its own instant, so the history holds every state in between.
    for (const action of plan(step.action, history.at(now))) {
      now = advance(now, step.gap);
      trace.push(`${iso(now)} ${JSON.stringify(action)}`);
      if (action.op === 'backup') {
        const result = await takeBackup({ ...stores, reader, clock }, poolId);
        backups.push(Date.parse(result.manifest.at));
      } else {
        await apply(poolId, action);
        await observe();
      }
    }
  }
  const violations = await check(stores, poolId, history, backups, scenario.probes);
  return { violations, trace };
}

async function check(
  stores: { snapshots: SnapshotStore; changeLog: MemoryChangeLog },
  poolId: string,
  history: TrueHistory,
  backups: number[],
  probes: number[],
): Promise<string[]> {
  const shownAt = async (at: number) => collectState(await stateAt(stores, poolId, iso(at)));
  const violations: string[] = [];
  // (a) at each backup, the replay is exactly the truth
  for (const at of backups) violations.push(...exactViolations(history, await shownAt(at), at));
  // (b) in between, never a later state at an earlier time
  const first = backups[0] ?? now;
  const end = now + 1_500;
  const instants = [
    ...probes.map((p) => first + Math.floor(((end - first) * p) / 1_000_000)),
    ...boundaryInstants([...history.times(), ...backups], first, end),
  ];
  for (const at of [...new Set(instants)].sort((a, b) => a - b)) {
    const from = backups.filter((b) => b <= at).at(-1) ?? first;
    violations.push(...pointInTimeViolations(history, await shownAt(at), from, at));
  }
  // (c) every entity's records form an unbroken chain from the first snapshot
  const [firstManifest] = await stores.snapshots.list(poolId);
  const base = new Map<string, EntityEntry>();
  if (firstManifest !== undefined)
    for await (const entry of (await stores.snapshots.open(firstManifest)).entries)
      base.set(entry.key, entry);
  const keys = new Set<string>();
  for await (const record of stores.changeLog.timeline(poolId)) keys.add(record.entity);
  for (const key of keys) {
    const start = base.get(key) ?? { version: 0, hash: null, doc: null };
    const records = [];
    for await (const record of stores.changeLog.entityHistory(poolId, key))
      if (record.version > start.version) records.push(record);
    const problems = verifyChain(records, start);
    violations.push(...problems.map((p) => `chain ${p.entity} v${p.version}: ${p.problem}`));
  }
  return violations;
}

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, now: cognitoNow });
  cognito = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1', baseDelayMs: 1 });
  reader = new AwsCognitoReader(cognito, { pageSize: 2 });
});

afterAll(async () => {
  cognito?.destroy();
  await running?.stop();
});

describe('backups replayed with stateAt, against the true history of a pool (fake Cognito, pages of 2)', () => {
  it('show the true state at each backup, never a later state at an earlier time, and unbroken chains', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { violations, trace } = await run(scenario);
        // On failure the message carries the steps as executed, with their instants.
        expect([...new Set(violations)], `steps:\n  ${trace.join('\n  ')}\n`).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
