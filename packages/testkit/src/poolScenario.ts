import fc from 'fast-check';
import type { TrueState } from './trueHistory.js';

/**
 * Random pool histories for the backup property test: operations on a few users and groups, backups
 * between them, at gaps that sometimes land on whole seconds, and sequences that delete and re-create
 * the same user or group. `plan` and `adapt` turn each generated step into operations Cognito accepts.
 */

const USERS = ['ann', 'bob', 'cy/z'];
const GROUPS = ['admins', 'ops'];
const ATTRIBUTES = ['email', 'name', 'custom:tier'];
const VALUES = ['alpha', 'beta'];
/** Values only a re-created user starts with, so its attributes differ from its predecessor's. */
const FRESH_VALUES = ['gamma', 'delta'];

export type Op =
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
export type Planned = Op | { op: 'joinGroup'; user: string; group: string };
/** Milliseconds after the previous step, or onto a whole second (`k` seconds after the next one). */
export type Gap = { ms: number } | { wholeSecond: number };
export type Step = { gap: Gap; action: Planned };

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
export const scenarioArb = fc.record({
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
export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

export const advance = (time: number, gap: Gap) =>
  'ms' in gap ? time + gap.ms : (Math.floor(time / 1000) + 1 + gap.wholeSecond) * 1000;
export const iso = (ms: number) => new Date(ms).toISOString();

/** A join becomes what it takes: the group, the user and the membership, each only if missing. */
export function plan(action: Planned, state: TrueState): Op[] {
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
export function adapt(action: Op, state: TrueState): Op {
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
