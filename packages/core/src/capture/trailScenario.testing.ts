import type { Op } from '@cognito-rewind/testkit';
import fc from 'fast-check';

/**
 * Test support for the capture property test: random user calls on a pool, each at its own whole
 * second, with the deliveries of their CloudTrail events (late, duplicated), and the name of the
 * event CloudTrail logs for each.
 */

const USERS = ['ann', 'bob', 'cy/z'];
const GROUPS = ['admins', 'ops'];
const ATTRIBUTES = ['email', 'name', 'custom:tier'];
const VALUES = ['alpha', 'beta'];
const FRESH_VALUES = ['gamma', 'delta'];

const user = fc.constantFrom(...USERS);
const attribute = fc.constantFrom(...ATTRIBUTES);
const value = fc.constantFrom(...VALUES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('createUser'), user, attributes: fc.dictionary(attribute, value) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setAttribute'), user, name: attribute, value }) },
  fc.record({ op: fc.constant('deleteAttribute'), user, name: attribute }),
  fc.record({ op: fc.constant('deleteUser'), user }),
  fc.record({ op: fc.constant('setEnabled'), user, enabled: fc.boolean() }),
  fc.record({
    op: fc.constantFrom('addToGroup', 'removeFromGroup'),
    user,
    group: fc.constantFrom(...GROUPS),
  }),
);

/** Milliseconds from a call to a delivery of its event: at once, within its second, or seconds late. */
const delayArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_500 }), {
  weight: 3,
  arbitrary: fc.integer({ min: 0, max: 20_000 }),
});

/**
 * One call: `gap` whole seconds more than the least between two calls, at `offset` ms into its
 * second (100–700: clear of the 250 ms Cognito dates may lie before CloudTrail's second), made
 * `self`-service when the call has such a twin, its event delivered once per delay (twice: duplicated).
 */
const callArb = (op: fc.Arbitrary<Op>) =>
  fc.record({
    gap: fc.integer({ min: 0, max: 2 }),
    offset: fc.integer({ min: 100, max: 700 }),
    op,
    self: fc.boolean(),
    delays: fc.array(delayArb, { minLength: 1, maxLength: 2 }),
  });
export type Call = typeof callArb extends (op: fc.Arbitrary<Op>) => fc.Arbitrary<infer C> ? C : never;

/** A user deleted, then created again under the same name with other attributes. */
const recreateArb = fc
  .record({
    user,
    attributes: fc.dictionary(attribute, fc.constantFrom(...FRESH_VALUES), { minKeys: 1 }),
    deletion: callArb(fc.constant<Op>({ op: 'backup' })),
    creation: callArb(fc.constant<Op>({ op: 'backup' })),
  })
  .map(({ user, attributes, deletion, creation }): Call[] => [
    { ...deletion, op: { op: 'deleteUser', user } },
    { ...creation, op: { op: 'createUser', user, attributes } },
  ]);

export const trailScenarioArb = fc.record({
  /** Users created before the first full read: in the snapshot, not in any event. */
  setup: fc.subarray(USERS),
  calls: fc
    .array(
      fc.oneof({ weight: 5, arbitrary: fc.tuple(callArb(opArb)) }, { weight: 1, arbitrary: recreateArb }),
      { minLength: 3, maxLength: 12 },
    )
    .map((chunks): Call[] => chunks.flat()),
  /** Cognito's dates in whole seconds (as AWS gives them) or with milliseconds (as the fake keeps them). */
  wholeSecondDates: fc.boolean(),
});
export type TrailScenario = typeof trailScenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** The CloudTrail event name of a call on a user (self-service where the call has such a twin). */
export function eventNameOf(op: Op, self: boolean): string {
  switch (op.op) {
    case 'createUser':
      return 'AdminCreateUser';
    case 'setAttribute':
      return self ? 'UpdateUserAttributes' : 'AdminUpdateUserAttributes';
    case 'deleteAttribute':
      return self ? 'DeleteUserAttributes' : 'AdminDeleteUserAttributes';
    case 'deleteUser':
      return self ? 'DeleteUser' : 'AdminDeleteUser';
    case 'setEnabled':
      return op.enabled ? 'AdminEnableUser' : 'AdminDisableUser';
    case 'addToGroup':
      return 'AdminAddUserToGroup';
    case 'removeFromGroup':
      return 'AdminRemoveUserFromGroup';
    default:
      throw new Error(`no user call: ${op.op}`);
  }
}

/** How events reach capture: seconds late, out of order and some twice, or each at once after its call. */
export type Delivery = 'late' | 'immediate';
/** A call (`copy` undefined) or one delivery of its event, on a run's timeline. */
export interface Item {
  at: number;
  call: number;
  copy?: number;
}

/**
 * The calls at their instants, from the second after `from`, and the deliveries after them, in time
 * order; at one instant, calls go first. Whole-second dates carry the next second's writes within the
 * 1 050 ms a Cognito date may lie after its event: then calls are two seconds apart, else one.
 */
export function timeline(scenario: TrailScenario, delivery: Delivery, from: number): Item[] {
  const items: Item[] = [];
  let second = Math.floor(from / 1000);
  scenario.calls.forEach((call, index) => {
    second += (scenario.wholeSecondDates ? 2 : 1) + call.gap;
    const at = second * 1000 + call.offset;
    items.push({ at, call: index });
    call.delays.forEach((delay, copy) => {
      items.push({ at: at + (delivery === 'late' ? delay : 0), call: index, copy });
    });
  });
  const isDelivery = (item: Item) => Number(item.copy !== undefined);
  return items.sort(
    (a, b) =>
      a.at - b.at || isDelivery(a) - isDelivery(b) || a.call - b.call || (a.copy ?? 0) - (b.copy ?? 0),
  );
}
