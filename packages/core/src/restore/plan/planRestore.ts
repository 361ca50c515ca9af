import { InvalidInputError } from '../../errors.js';
import { type EntityKey, entityKey, parseEntityKey } from '../../model/entityKey.js';
import type { JsonObject } from '../../model/json.js';
import { type ClientMatching, matchClients, planClients, planUiCustomization } from './planClients.js';
import { idOf, keysOf, type PlanContext } from './planContext.js';
import { planDomain } from './planDomain.js';
import {
  GROUPS,
  IDENTITY_PROVIDERS,
  planCollection,
  planPoolSettings,
  planRiskConfiguration,
  planTags,
  RESOURCE_SERVERS,
} from './planSettings.js';
import { planUsers } from './planUsers.js';
import { PHASES, type RestoreMode, type RestorePlan, type RestoreScope } from './restorePlan.js';
import { SchemaMismatchError, schemaDifferences } from './schemaCheck.js';
import { userAttributeDifferences } from './userAttributeCheck.js';
import { matchUsers, type RecreatedUsers } from './userIdentity.js';

export interface PlanInput {
  sourcePoolId: string;
  targetPoolId: string;
  at: string;
  /** state(T), by entity key. */
  target: ReadonlyMap<EntityKey, JsonObject>;
  /** The live target pool, read just now, by entity key. */
  live: ReadonlyMap<EntityKey, JsonObject>;
  mode: RestoreMode;
  /** `--only`; undefined: everything. */
  only?: readonly RestoreScope[];
  /** `--user`: only these users (with their memberships and links). */
  users?: readonly string[];
  /** `--group`: only these groups and the memberships in them. */
  groups?: readonly string[];
  /** Let Cognito send re-created users an invitation (default: suppressed). */
  notify?: boolean;
  /** Components neither side could read (cognito-local has no identity providers…): left alone. */
  notCaptured?: readonly string[];
  clients?: ClientMatching;
  /** Users earlier runs of this restore re-created, or sent a creation for without hearing back. */
  recreated?: RecreatedUsers;
}

/** Which scopes an entity kind belongs to, for `--only` and not-captured components. */
const KIND_COMPONENT: Record<string, string> = {
  idp: 'identityProviders',
  resourceServer: 'resourceServers',
  domain: 'domain',
  ui: 'uiCustomization',
  riskConfiguration: 'riskConfiguration',
  tags: 'tags',
  mfa: 'mfa',
};

function checkNamed(input: PlanInput): void {
  for (const username of input.users ?? [])
    if (!input.target.has(entityKey('user', username)))
      throw new InvalidInputError(`--user ${username}: no such user in ${input.sourcePoolId} at ${input.at}`);
  for (const group of input.groups ?? [])
    if (!input.target.has(entityKey('group', group)))
      throw new InvalidInputError(`--group ${group}: no such group in ${input.sourcePoolId} at ${input.at}`);
}

/** Keeps only entities of components both sides captured: "not read" is never "empty". */
function captured(state: ReadonlyMap<EntityKey, JsonObject>, notCaptured: ReadonlySet<string>) {
  return new Map(
    [...state].filter(([key]) => !notCaptured.has(KIND_COMPONENT[parseEntityKey(key).kind] ?? '')),
  );
}

/**
 * plan(state(T), live): the ordered actions that make the live pool what it was at T (undo: put back
 * what was deleted or changed, keep what is new; exact: also delete what is new), each with its
 * entity, the fields it changes and why, plus what Cognito cannot take back. Pure: no I/O.
 * Refuses (SchemaMismatchError) a plan any part of which the target pool's schema cannot take.
 */
export function planRestore(input: PlanInput): RestorePlan {
  checkNamed(input);
  const notCaptured = new Set(input.notCaptured ?? []);
  const target = captured(input.target, notCaptured);
  const live = captured(input.live, notCaptured);
  if (input.targetPoolId !== input.sourcePoolId) keepLiveName(target, live);
  const only = input.only === undefined ? undefined : new Set(input.only);
  const restricted = input.users !== undefined || input.groups !== undefined;
  const inScope = (scope: RestoreScope) => {
    if (only !== undefined && !only.has(scope)) return false;
    if (!restricted) return true;
    if (scope === 'users') return input.users !== undefined;
    if (scope === 'groups') return input.groups !== undefined;
    return scope === 'memberships';
  };
  const ctx: PlanContext = {
    target,
    live,
    mode: input.mode,
    notify: input.notify ?? false,
    inScope,
    tasks: [],
    kept: [],
    notes: [],
  };
  const groupFilter = input.groups === undefined ? undefined : new Set(input.groups);
  const usernameAttributes = usernameAttributesOf(live.get('pool') ?? target.get('pool'));
  planPoolSettings(ctx);
  planCollection(ctx, { ...GROUPS, ...(groupFilter ? { only: groupFilter } : {}) });
  planCollection(ctx, IDENTITY_PROVIDERS);
  planCollection(ctx, RESOURCE_SERVERS);
  planUsers(ctx, {
    ...(input.users ? { users: new Set(input.users) } : {}),
    ...(groupFilter ? { groups: groupFilter } : {}),
    groupsAfter: existingAfter(ctx, 'group', inScope('groups'), groupFilter),
    // Groups made after T, whether or not this restore plans groups (`--only memberships`, `--user`
    // leave them out of `kept`): undo keeps memberships in them either way.
    keptGroups: new Set(
      keysOf(live, 'group')
        .filter((k) => !target.has(k))
        .map(idOf),
    ),
    providersAfter: existingAfter(ctx, 'idp', inScope('identity-providers')),
    matching: matchUsers(target, live, {
      ...(input.recreated ? { recreated: input.recreated } : {}),
      checkIdentity: input.targetPoolId === input.sourcePoolId,
      usernameAttributes,
    }),
    usernameAttributes,
  });
  const matched = matchClients(ctx, input.clients ?? {});
  planClients(ctx, matched);
  planDomain(ctx);
  planUiCustomization(ctx, matched);
  planRiskConfiguration(ctx);
  planTags(ctx);

  // Planning writes nothing, so the whole plan can be checked before a single call is sent.
  refuseWhatSchemaCannotTake(input, ctx);

  const order = (phase: string) => PHASES.indexOf(phase as (typeof PHASES)[number]);
  const tasks = ctx.tasks
    .map((task, index) => ({ task, index }))
    .sort((a, b) => order(a.task.phase) - order(b.task.phase) || a.index - b.index)
    .map(({ task }) => task);
  for (const component of notCaptured)
    ctx.notes.push({
      kind: 'notCaptured',
      entity: component,
      message: `${component} was not captured by this endpoint and is left as it is`,
    });
  return {
    sourcePoolId: input.sourcePoolId,
    targetPoolId: input.targetPoolId,
    at: input.at,
    mode: input.mode,
    tasks,
    kept: ctx.kept.sort(),
    notes: ctx.notes,
    ...(typeof live.get('pool')?.Arn === 'string' ? { targetArn: live.get('pool')?.Arn as string } : {}),
  };
}

const usernameAttributesOf = (pool: JsonObject | undefined): string[] =>
  Array.isArray(pool?.UsernameAttributes) ? pool.UsernameAttributes.map(String) : [];

/**
 * Throws SchemaMismatchError naming every difference the target pool cannot take: of the pool itself
 * (custom attributes, creation-time settings) and of each user write the plan holds.
 */
function refuseWhatSchemaCannotTake(input: PlanInput, ctx: PlanContext): void {
  const atT = ctx.target.get('pool');
  const live = ctx.live.get('pool');
  const differences = [
    ...(ctx.inScope('users') || ctx.inScope('pool')
      ? schemaDifferences(atT, live, usersOf(ctx.target, input.users))
      : []),
    ...userAttributeDifferences(input.targetPoolId, atT, live, ctx.tasks),
  ];
  if (differences.length > 0) throw new SchemaMismatchError(input.targetPoolId, differences);
}

/**
 * Into another pool (--create-pool NAME, a copy), the pool's name is the target pool's own: restoring
 * the settings must not rename it after the source.
 */
function keepLiveName(target: Map<EntityKey, JsonObject>, live: ReadonlyMap<EntityKey, JsonObject>): void {
  const pool = target.get('pool');
  const name = live.get('pool')?.Name;
  if (pool === undefined || name === undefined) return;
  target.set('pool', { ...pool, Name: name });
}

function usersOf(
  state: ReadonlyMap<EntityKey, JsonObject>,
  only: readonly string[] | undefined,
): JsonObject[] {
  const keys = only === undefined ? keysOf(state, 'user') : only.map((u) => entityKey('user', u));
  return keys.flatMap((key) => {
    const doc = state.get(key);
    return doc === undefined ? [] : [doc];
  });
}

/** Names of a collection that exist once its phase has run: live ones not deleted, plus those created. */
function existingAfter(
  ctx: PlanContext,
  kind: 'group' | 'idp',
  restored: boolean,
  only?: ReadonlySet<string>,
): Set<string> {
  const names = new Set(keysOf(ctx.live, kind).map(idOf));
  for (const task of ctx.tasks) {
    if (!task.entity.startsWith(`${kind}:`)) continue;
    if (task.phase === 'deletions') names.delete(idOf(task.entity));
  }
  if (restored)
    for (const key of keysOf(ctx.target, kind))
      if (only === undefined || only.has(idOf(key))) names.add(idOf(key));
  return names;
}
