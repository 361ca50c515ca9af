import { deepEqual, type JsonObject } from '../model/json.js';
import { action, addTask, change, fieldChanges, idOf, keysOf, type PlanContext } from './planContext.js';
import type { FieldChange, RestoreAction } from './restorePlan.js';
import { restorableMfa, writableAttributes, writableView } from './writableView.js';

export interface UserPlanOptions {
  /** Restrict user tasks to these usernames (`--user`). */
  users?: ReadonlySet<string>;
  /** Restrict membership changes to these groups (`--group`). */
  groups?: ReadonlySet<string>;
  /** Groups that exist in the live pool once the groups phase has run. */
  groupsAfter: ReadonlySet<string>;
  /** Groups kept because they were created after T (undo mode): memberships in them stay. */
  keptGroups: ReadonlySet<string>;
  /** Identity providers that exist once the providers phase has run. */
  providersAfter: ReadonlySet<string>;
}

interface Identity {
  providerName: string;
  userId: string;
}

/** The `identities` attribute: the provider identities linked to a user (a JSON array). */
export function identitiesOf(doc: JsonObject | undefined): Identity[] {
  const text = (doc?.attributes as Record<string, string> | undefined)?.identities;
  if (text === undefined) return [];
  try {
    const parsed = JSON.parse(text) as { providerName?: unknown; userId?: unknown }[];
    return parsed.flatMap((i) =>
      typeof i.providerName === 'string' && typeof i.userId === 'string'
        ? [{ providerName: i.providerName, userId: i.userId }]
        : [],
    );
  } catch {
    return [];
  }
}

const groupsOf = (doc: JsonObject | undefined): string[] => (doc?.groups as string[] | undefined) ?? [];

/** Users, each a task of its own: create or update, enable/disable, MFA, memberships, provider links. */
export function planUsers(ctx: PlanContext, options: UserPlanOptions): void {
  const scope = {
    users: ctx.inScope('users') && options.groups === undefined,
    memberships: ctx.inScope('memberships'),
  };
  if (!scope.users && !scope.memberships) return;
  const keys = new Set([...keysOf(ctx.target, 'user'), ...keysOf(ctx.live, 'user')]);
  for (const key of [...keys].sort())
    if (options.users === undefined || options.users.has(idOf(key))) planUser(ctx, key, options, scope);
}

function planUser(
  ctx: PlanContext,
  key: string,
  options: UserPlanOptions,
  scope: { users: boolean; memberships: boolean },
): void {
  const target = ctx.target.get(key);
  const live = ctx.live.get(key);
  if (target === undefined) {
    if (!scope.users) return;
    if (ctx.mode === 'undo') ctx.kept.push(key);
    else
      addTask(ctx, 'deletions', key, writableView(key, live), null, [
        action('deleteUser', key, { Username: idOf(key) }, 'did not exist at T'),
      ]);
    return;
  }
  const actions: RestoreAction[] = [];
  if (scope.users)
    actions.push(
      ...(live === undefined ? createdUser(ctx, key, target) : updatedUser(ctx, key, target, live)),
    );
  if (scope.memberships && (live !== undefined || actions.some((a) => a.kind === 'createUser')))
    actions.push(...membershipActions(ctx, key, target, live, options));
  if (scope.users) actions.push(...linkActions(ctx, key, target, live, options));
  const desired = writableView(key, { ...target, groups: desiredGroups(ctx, target, live, options) });
  // The deletions phase runs first: a group it deletes is gone from the user's groups by the time
  // apply re-reads the user, and that is this restore's doing, not a conflict.
  const expected =
    live === undefined
      ? null
      : writableView(key, { ...live, groups: groupsOf(live).filter((g) => options.groupsAfter.has(g)) });
  addTask(ctx, 'users', key, expected, desired, actions);
}

/** A user deleted since T: one AdminCreateUser with every attribute, then what creation cannot set. */
function createdUser(ctx: PlanContext, key: string, target: JsonObject): RestoreAction[] {
  const username = idOf(key);
  if (target.status === 'EXTERNAL_PROVIDER') {
    ctx.notes.push({
      kind: 'federatedUser',
      entity: key,
      message: `${username} signs in through a provider; Cognito re-creates it at its next sign-in`,
    });
    return [];
  }
  ctx.notes.push({
    kind: 'password',
    entity: key,
    message: `${username} is re-created without a password (was ${String(target.status)} at T): it must reset it`,
  });
  ctx.notes.push({ kind: 'sub', entity: key, message: `${username} gets a new sub: see the sub ledger` });
  const want = writableAttributes(target);
  const input = { Username: username, UserAttributes: want, notify: ctx.notify };
  const actions = [
    action('createUser', key, input, 'deleted since T', fieldChanges(null, { attributes: want })),
  ];
  if (target.enabled === false)
    actions.push(
      action('disableUser', key, { Username: username }, 'disabled at T', [change('enabled', true, false)]),
    );
  actions.push(...mfaActions(ctx, key, target, undefined));
  return actions;
}

/** A user that exists: only what differs from T is sent. */
function updatedUser(ctx: PlanContext, key: string, target: JsonObject, live: JsonObject): RestoreAction[] {
  const actions = attributeActions(key, writableAttributes(target), writableAttributes(live));
  const enabled = target.enabled !== false;
  if (enabled !== (live.enabled !== false)) {
    const kind = enabled ? 'enableUser' : 'disableUser';
    const why = `${enabled ? 'enabled' : 'disabled'} at T`;
    actions.push(action(kind, key, { Username: idOf(key) }, why, [change('enabled', !enabled, enabled)]));
  }
  actions.push(...mfaActions(ctx, key, target, live));
  return actions;
}

/** Changing an address resets its verified flag, and a flag is only taken with its address. */
const ADDRESS_FLAGS = [
  ['email', 'email_verified'],
  ['phone_number', 'phone_number_verified'],
] as const;

function attributeActions(
  key: string,
  want: Record<string, string>,
  have: Record<string, string>,
): RestoreAction[] {
  const username = idOf(key);
  const set: Record<string, string> = {};
  const changes: FieldChange[] = [];
  for (const [name, value] of Object.entries(want))
    if (have[name] !== value) {
      set[name] = value;
      changes.push(change(`attributes.${name}`, have[name], value));
    }
  // Each pair travels together (Cognito, and cognito-local, refuse email_verified without the email).
  for (const [address, flag] of ADDRESS_FLAGS)
    if ((set[address] !== undefined || set[flag] !== undefined) && want[address] !== undefined) {
      set[address] = want[address];
      if (want[flag] !== undefined) set[flag] = want[flag];
    }
  const actions: RestoreAction[] = [];
  if (Object.keys(set).length > 0)
    actions.push(
      action(
        'updateUserAttributes',
        key,
        { Username: username, UserAttributes: set },
        'attributes changed since T',
        changes,
      ),
    );
  const removed = Object.keys(have)
    .filter((name) => want[name] === undefined)
    .sort();
  if (removed.length > 0) {
    const removals = removed.map((n) => change(`attributes.${n}`, have[n], undefined));
    actions.push(
      action(
        'deleteUserAttributes',
        key,
        { Username: username, UserAttributeNames: removed },
        'attributes added since T',
        removals,
      ),
    );
  }
  return actions;
}

/** SMS and email MFA preferences are put back; a TOTP enrolment cannot be (it lives on the user's device). */
function mfaActions(
  ctx: PlanContext,
  key: string,
  target: JsonObject,
  live: JsonObject | undefined,
): RestoreAction[] {
  const want = restorableMfa(target);
  if (want === undefined) return [];
  const targetFactors = ((target.mfa as JsonObject).enabled as string[] | undefined) ?? [];
  const liveFactors = ((live?.mfa as JsonObject | undefined)?.enabled as string[] | undefined) ?? [];
  if (targetFactors.includes('SOFTWARE_TOKEN_MFA') && !liveFactors.includes('SOFTWARE_TOKEN_MFA'))
    ctx.notes.push({
      kind: 'totp',
      entity: key,
      message: `${idOf(key)} had an authenticator app (TOTP) at T: it must enrol it again`,
    });
  const have = live === undefined ? { enabled: [], preferred: null } : restorableMfa(live);
  if (have === undefined || deepEqual(want, have)) return [];
  const enabled = want.enabled as string[];
  const setting = (factor: string) => ({
    enabled: enabled.includes(factor),
    preferred: want.preferred === factor,
  });
  const input = { Username: idOf(key), sms: setting('SMS_MFA'), email: setting('EMAIL_OTP') };
  return [action('setUserMfa', key, input, 'MFA preferences changed since T', [change('mfa', have, want)])];
}

function desiredGroups(
  ctx: PlanContext,
  target: JsonObject,
  live: JsonObject | undefined,
  options: UserPlanOptions,
): string[] {
  const keep = ctx.mode === 'undo' ? groupsOf(live).filter((g) => options.keptGroups.has(g)) : [];
  return [...new Set([...groupsOf(target), ...keep])].filter((g) => options.groupsAfter.has(g)).sort();
}

function membershipActions(
  ctx: PlanContext,
  key: string,
  target: JsonObject,
  live: JsonObject | undefined,
  options: UserPlanOptions,
): RestoreAction[] {
  const username = idOf(key);
  const want = new Set(desiredGroups(ctx, target, live, options));
  const have = new Set(groupsOf(live).filter((g) => options.groupsAfter.has(g)));
  const touch = (group: string) => options.groups === undefined || options.groups.has(group);
  const actions: RestoreAction[] = [];
  for (const group of [...have].sort())
    if (!want.has(group) && touch(group))
      actions.push(
        action(
          'removeFromGroup',
          key,
          { Username: username, GroupName: group },
          `not in ${group} at T`,
          [change(`groups.${group}`, true, false)],
          group,
        ),
      );
  for (const group of [...want].sort())
    if (!have.has(group) && touch(group))
      actions.push(
        action(
          'addToGroup',
          key,
          { Username: username, GroupName: group },
          `in ${group} at T`,
          [change(`groups.${group}`, false, true)],
          group,
        ),
      );
  for (const group of groupsOf(target))
    if (!options.groupsAfter.has(group) && touch(group))
      ctx.notes.push({
        kind: 'notCaptured',
        entity: key,
        message: `${username} was in ${group} at T, which this restore does not re-create`,
      });
  return actions;
}

/** Provider identities linked to the user at T: re-linked where the provider exists, else listed. */
function linkActions(
  ctx: PlanContext,
  key: string,
  target: JsonObject,
  live: JsonObject | undefined,
  options: UserPlanOptions,
): RestoreAction[] {
  const linked = new Set(identitiesOf(live).map((i) => `${i.providerName}\u0000${i.userId}`));
  const actions: RestoreAction[] = [];
  for (const identity of identitiesOf(target)) {
    if (linked.has(`${identity.providerName}\u0000${identity.userId}`)) continue;
    if (!options.providersAfter.has(identity.providerName)) {
      ctx.notes.push({
        kind: 'providerLink',
        entity: key,
        message: `${idOf(key)} was linked to ${identity.providerName} (${identity.userId}), a provider this pool does not have`,
      });
      continue;
    }
    const input = {
      Username: idOf(key),
      ProviderName: identity.providerName,
      ProviderAttributeName: 'Cognito_Subject',
      ProviderAttributeValue: identity.userId,
    };
    actions.push(
      action(
        'linkProvider',
        key,
        input,
        `linked to ${identity.providerName} at T`,
        [change(`identities.${identity.providerName}`, undefined, identity.userId)],
        `${identity.providerName}:${identity.userId}`,
      ),
    );
  }
  return actions;
}
