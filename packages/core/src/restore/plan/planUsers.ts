import { deepEqual, type JsonObject } from '../../model/json.js';
import { action, addTask, change, fieldChanges, idOf, keysOf, type PlanContext } from './planContext.js';
import { desiredGroups, groupsOf, linkActions, membershipActions } from './planMemberships.js';
import type { FieldChange, RestoreAction } from './restorePlan.js';
import { creationName, type UserMatch, type UserMatching } from './userIdentity.js';
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
  /** Which live user is which user at T (see `userIdentity.ts`). */
  matching: UserMatching;
  /** The target pool's `UsernameAttributes`: re-created users go in under their email or phone. */
  usernameAttributes: readonly string[];
}

/** Users, each a task of its own: create or update, enable/disable, MFA, memberships, provider links. */
export function planUsers(ctx: PlanContext, options: UserPlanOptions): void {
  const scope = {
    users: ctx.inScope('users') && options.groups === undefined,
    memberships: ctx.inScope('memberships'),
  };
  if (!scope.users && !scope.memberships) return;
  const liveOnly = keysOf(ctx.live, 'user').filter((k) => !options.matching.claimed.has(k));
  const keys = new Set([...keysOf(ctx.target, 'user'), ...liveOnly]);
  for (const key of [...keys].sort())
    if (options.users === undefined || options.users.has(idOf(key))) planUser(ctx, key, options, scope);
}

type Scope = { users: boolean; memberships: boolean };

function planUser(ctx: PlanContext, key: string, options: UserPlanOptions, scope: Scope): void {
  const target = ctx.target.get(key);
  const match = options.matching.matches.get(key);
  if (target === undefined || match === undefined) planLiveOnly(ctx, key, scope);
  else if (match.kind === 'impostor') replacedUser(ctx, key, target, match, options, scope);
  else if (match.kind === 'absent' && match.heldBy !== undefined && !deletedFirst(ctx, match.heldBy, options))
    refuse(ctx, key, `its ${addressOf(target, options)} is held by ${match.heldBy}`, 'every user');
  else restoredUser(ctx, key, target, match, options, scope);
}

/** A user that did not exist at T: undo keeps it, exact deletes it. */
function planLiveOnly(ctx: PlanContext, key: string, scope: Scope): void {
  if (!scope.users) return;
  if (ctx.mode === 'undo') ctx.kept.push(key);
  else
    addTask(ctx, 'deletions', key, writableView(key, ctx.live.get(key)), null, [
      action('deleteUser', key, { Username: idOf(key) }, 'did not exist at T'),
    ]);
}

/** A user at T, re-created or put back in place (first adopted, if an earlier run created it unheard). */
function restoredUser(
  ctx: PlanContext,
  key: string,
  target: JsonObject,
  match: Exclude<UserMatch, { kind: 'impostor' }>,
  options: UserPlanOptions,
  scope: Scope,
): void {
  const live = match.kind === 'absent' ? undefined : match.live;
  const actions: RestoreAction[] = [];
  if (match.kind === 'adopted') actions.push(adoptAction(key, match.live));
  if (scope.users)
    actions.push(
      ...(live === undefined ? createdUser(ctx, key, target, options) : updatedUser(ctx, key, target, live)),
    );
  if (scope.memberships && (live !== undefined || actions.some((a) => a.kind === 'createUser')))
    actions.push(...membershipActions(ctx, key, target, live, options));
  if (scope.users) actions.push(...linkActions(ctx, key, target, live, options));
  const desired = writableView(key, { ...target, groups: desiredGroups(ctx, target, live, options) });
  // The deletions phase runs first: a group it deletes is gone from the user's groups by the time
  // apply re-reads the user, and that is this restore's doing, not a conflict.
  const expected = live === undefined ? null : expectedView(key, live, options);
  addTask(ctx, 'users', key, expected, desired, actions, match.kind === 'absent' ? key : match.liveKey);
}

const expectedView = (key: string, live: JsonObject, options: UserPlanOptions) =>
  writableView(key, { ...live, groups: groupsOf(live).filter((g) => options.groupsAfter.has(g)) });

/**
 * Another person holds the name of a user at T. Undo never merges the two: it leaves that user alone,
 * and says so. `--exact` deletes the impostor and re-creates the user at T (a new sub, in the ledger).
 */
function replacedUser(
  ctx: PlanContext,
  key: string,
  target: JsonObject,
  match: Extract<UserMatch, { kind: 'impostor' }>,
  options: UserPlanOptions,
  scope: Scope,
): void {
  if (ctx.mode === 'undo' || !scope.users) {
    refuse(ctx, key, `the live user of that name is someone else (${match.why})`, 'its users');
    return;
  }
  ctx.notes.push({
    kind: 'impostor',
    entity: key,
    message: `${idOf(key)}: the live user of that name is someone else (${match.why}): deleted, and ${idOf(key)} re-created as at T`,
  });
  const liveSub = String((match.live.attributes as Record<string, string> | undefined)?.sub ?? '');
  const actions = [
    action('replaceUser', key, { Username: idOf(key), Sub: liveSub }, `someone else since T (${match.why})`, [
      change('sub', liveSub, (target.attributes as Record<string, string> | undefined)?.sub),
    ]),
    ...createdUser(ctx, key, target, options),
  ];
  if (scope.memberships) actions.push(...membershipActions(ctx, key, target, undefined, options));
  actions.push(...linkActions(ctx, key, target, undefined, options));
  const desired = writableView(key, { ...target, groups: desiredGroups(ctx, target, undefined, options) });
  addTask(ctx, 'users', key, expectedView(key, match.live, options), desired, actions);
}

/** A user at T left alone, and why; `replacedBy`: the users an `--exact` restore must cover to replace. */
function refuse(ctx: PlanContext, key: string, why: string, replacedBy: 'its users' | 'every user'): void {
  const scope = replacedBy === 'its users' ? 'restoring this user' : 'restoring every user';
  const rule =
    ctx.mode === 'undo'
      ? `undo never merges two users (--exact ${scope} replaces that one)`
      : `only --exact ${scope} replaces that one`;
  ctx.notes.push({ kind: 'impostor', entity: key, message: `${idOf(key)} is left alone: ${why}; ${rule}` });
}

/** Whether this plan deletes the live user first (a user made after T, in `--exact` with every user). */
const deletedFirst = (ctx: PlanContext, holder: string, options: UserPlanOptions) =>
  ctx.mode === 'exact' &&
  ctx.inScope('users') &&
  options.users === undefined &&
  options.groups === undefined &&
  !ctx.target.has(holder);

function addressOf(target: JsonObject, options: UserPlanOptions): string {
  const { username, address } = creationName(target, options.usernameAttributes);
  return `${address ?? 'name'} ${username}`;
}

/** The first action of a user an earlier run created without hearing back: its new sub goes in the ledger. */
function adoptAction(key: string, live: JsonObject): RestoreAction {
  const sub = String((live.attributes as Record<string, string> | undefined)?.sub ?? '');
  return action(
    'adoptUser',
    key,
    { Username: idOf(key), Sub: sub },
    'created by an earlier run of this restore, whose answer was lost',
    [change('sub', undefined, sub)],
  );
}

/**
 * A user deleted since T: one AdminCreateUser with every attribute, then what creation cannot set. In
 * a pool with email or phone as username it is created under its address and Cognito names it.
 */
function createdUser(
  ctx: PlanContext,
  key: string,
  target: JsonObject,
  options: UserPlanOptions,
): RestoreAction[] {
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
  const name = creationName(target, options.usernameAttributes).username;
  const input = { Username: name, UserAttributes: want, notify: ctx.notify };
  const actions: RestoreAction[] = [
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
