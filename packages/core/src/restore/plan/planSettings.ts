import { deepEqual, type JsonObject } from '../../model/json.js';
import { action, addTask, change, fieldChanges, idOf, keysOf, type PlanContext } from './planContext.js';
import type { Phase, RestoreAction, RestoreScope } from './restorePlan.js';
import { writableView } from './writableView.js';

/** The pool's settings (UpdateUserPool) and its MFA configuration (SetUserPoolMfaConfig). */
export function planPoolSettings(ctx: PlanContext): void {
  const target = ctx.target.get('pool');
  const live = ctx.live.get('pool');
  if (ctx.inScope('pool') && target !== undefined && live !== undefined) {
    const want = writableView('pool', target);
    const have = writableView('pool', live);
    if (!deepEqual(want, have)) {
      // UpdateUserPool resets MfaConfiguration when it is left out: keep the live mode here, and let
      // SetUserPoolMfaConfig (which also sets the factors the mode needs) put back the mode at T.
      const mode = ctx.live.get('mfa')?.MfaConfiguration ?? live.MfaConfiguration ?? 'OFF';
      // It may drop the pool's tags too (cognito-local does): send the tags the pool is to have.
      const tags = tagsToHave(ctx);
      const input = {
        ...want,
        MfaConfiguration: mode,
        ...(tags ? { UserPoolTags: tags } : {}),
      } as JsonObject;
      const reason = 'pool settings changed since T';
      addTask(ctx, 'pool', 'pool', have, want, [
        action('updatePool', 'pool', input, reason, fieldChanges(have, want)),
      ]);
    }
  }
  const targetMfa = writableView('mfa', ctx.target.get('mfa'));
  const liveMfa = writableView('mfa', ctx.live.get('mfa'));
  if (ctx.inScope('mfa') && targetMfa !== null && liveMfa !== null && !deepEqual(targetMfa, liveMfa)) {
    const reason = 'MFA configuration changed since T';
    addTask(ctx, 'pool', 'mfa', liveMfa, targetMfa, [
      action('setMfaConfig', 'mfa', targetMfa, reason, fieldChanges(liveMfa, targetMfa)),
    ]);
  }
}

interface CollectionSpec {
  kind: 'group' | 'idp' | 'resourceServer';
  scope: RestoreScope;
  phase: Phase;
  create: 'createGroup' | 'createIdentityProvider' | 'createResourceServer';
  update: 'updateGroup' | 'updateIdentityProvider' | 'updateResourceServer';
  delete: 'deleteGroup' | 'deleteIdentityProvider' | 'deleteResourceServer';
  /** The member naming the entity in each of its calls (GroupName, ProviderName, Identifier). */
  named(id: string): { GroupName: string } | { ProviderName: string } | { Identifier: string };
  /** Restrict to these ids (`--group`); undefined: all. */
  only?: ReadonlySet<string>;
}

export const GROUPS: Omit<CollectionSpec, 'only'> = {
  kind: 'group',
  scope: 'groups',
  phase: 'groups',
  create: 'createGroup',
  update: 'updateGroup',
  delete: 'deleteGroup',
  named: (id) => ({ GroupName: id }),
};
export const IDENTITY_PROVIDERS: Omit<CollectionSpec, 'only'> = {
  kind: 'idp',
  scope: 'identity-providers',
  phase: 'identityProviders',
  create: 'createIdentityProvider',
  update: 'updateIdentityProvider',
  delete: 'deleteIdentityProvider',
  named: (id) => ({ ProviderName: id }),
};
export const RESOURCE_SERVERS: Omit<CollectionSpec, 'only'> = {
  kind: 'resourceServer',
  scope: 'resource-servers',
  phase: 'resourceServers',
  create: 'createResourceServer',
  update: 'updateResourceServer',
  delete: 'deleteResourceServer',
  named: (id) => ({ Identifier: id }),
};

/**
 * A keyed collection whose entities keep their ids when re-created (groups, identity providers,
 * resource servers): create what is missing, update what differs, and delete what did not exist
 * at T only in exact mode (undo keeps it, and says so).
 */
export function planCollection(ctx: PlanContext, spec: CollectionSpec): void {
  if (!ctx.inScope(spec.scope)) return;
  const keys = new Set([...keysOf(ctx.target, spec.kind), ...keysOf(ctx.live, spec.kind)]);
  for (const key of [...keys].sort()) {
    const id = idOf(key);
    if (spec.only !== undefined && !spec.only.has(id)) continue;
    const want = writableView(key, ctx.target.get(key));
    const have = writableView(key, ctx.live.get(key));
    if (want === null) {
      if (ctx.mode === 'exact') {
        const remove = action(spec.delete, key, spec.named(id), 'did not exist at T');
        addTask(ctx, 'deletions', key, have, null, [remove]);
      } else ctx.kept.push(key);
    } else if (have === null) {
      if (spec.kind === 'idp') noteIdpSecrets(ctx, key);
      const create = action(
        spec.create,
        key,
        { ...want, ...spec.named(id) },
        'deleted since T',
        fieldChanges(null, want),
      );
      addTask(ctx, spec.phase, key, null, want, [create]);
    } else if (!deepEqual(want, have)) {
      const update = action(
        spec.update,
        key,
        { ...want, ...spec.named(id) },
        'changed since T',
        fieldChanges(have, want),
      );
      addTask(ctx, spec.phase, key, have, want, [update]);
    }
  }
}

function noteIdpSecrets(ctx: PlanContext, key: string): void {
  const omitted = ctx.target.get(key)?.OmittedSecrets;
  if (Array.isArray(omitted) && omitted.length > 0)
    ctx.notes.push({
      kind: 'identityProviderSecret',
      entity: key,
      message: `${idOf(key)} is re-created without its ${omitted.join(', ')} (never stored): enter it again in Cognito`,
    });
}

/** Threat protection settings of the pool (SetRiskConfiguration). */
export function planRiskConfiguration(ctx: PlanContext): void {
  if (!ctx.inScope('risk')) return;
  const want = writableView('riskConfiguration', ctx.target.get('riskConfiguration'));
  const have = writableView('riskConfiguration', ctx.live.get('riskConfiguration'));
  if (want === null || deepEqual(want, have)) return;
  // None read live: threat protection is off (Cognito then hides the settings) or nothing is set. The
  // pool phase may turn it back on, which shows whatever settings Cognito kept: not a conflict.
  const unchecked =
    have === null ? 'no risk configuration could be read live (threat protection off)' : undefined;
  addTask(
    ctx,
    'riskConfiguration',
    'riskConfiguration',
    have,
    want,
    [
      action(
        'setRiskConfiguration',
        'riskConfiguration',
        want,
        'threat protection settings changed since T',
        fieldChanges(have, want),
      ),
    ],
    'riskConfiguration',
    unchecked,
  );
}

/**
 * The tags the pool is to have: those of T, and in undo mode also those added after T (undo keeps
 * what came after T). Out of scope, or none recorded at T: the live ones.
 */
function tagsToHave(ctx: PlanContext): JsonObject | undefined {
  const atT = ctx.inScope('tags') ? ctx.target.get('tags') : undefined;
  const live = ctx.live.get('tags');
  if (atT === undefined) return live;
  return ctx.mode === 'undo' ? { ...live, ...atT } : atT;
}

/** Pool tags: set what differs; remove what was added after T in exact mode only (undo keeps it, noted). */
export function planTags(ctx: PlanContext): void {
  if (!ctx.inScope('tags') || ctx.target.get('tags') === undefined) return;
  const want = tagsToHave(ctx) as JsonObject;
  const have = ctx.live.get('tags') ?? {};
  const added = Object.keys(have)
    .filter((name) => ctx.target.get('tags')?.[name] === undefined)
    .sort();
  if (ctx.mode === 'undo' && added.length > 0)
    ctx.notes.push({
      kind: 'createdAfter',
      entity: 'tags',
      message: `tags added after T are kept: ${added.join(', ')}`,
    });
  if (deepEqual(want, have)) return;
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(want)) if (have[name] !== value) set[name] = String(value);
  const removed = Object.keys(have)
    .filter((name) => want[name] === undefined)
    .sort();
  const actions: RestoreAction[] = [];
  if (Object.keys(set).length > 0)
    actions.push(
      action(
        'tagPool',
        'tags',
        { Tags: set },
        'tags changed since T',
        fieldChanges(have, want).filter((c) => c.after !== undefined),
      ),
    );
  if (removed.length > 0)
    actions.push(
      action(
        'untagPool',
        'tags',
        { TagKeys: removed },
        'tags added since T',
        removed.map((name) => change(name, have[name], undefined)),
      ),
    );
  // UpdateUserPool, earlier in this restore, may write the tags itself (see planPoolSettings): by the
  // tags phase they no longer look as planned, and that is no conflict.
  const pool = ctx.tasks.find((t) => t.entity === 'pool')?.actions.find((a) => a.kind === 'updatePool');
  const unchecked =
    pool?.input.UserPoolTags !== undefined ? 'UpdateUserPool writes the tags first' : undefined;
  addTask(ctx, 'tags', 'tags', have, want, actions, 'tags', unchecked);
}
