import type { JsonObject } from '../../model/json.js';
import { action, change, idOf, type PlanContext } from './planContext.js';
import type { UserPlanOptions } from './planUsers.js';
import type { RestoreAction } from './restorePlan.js';

/** A user's memberships and provider links, as a restore puts them back. */

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

export const groupsOf = (doc: JsonObject | undefined): string[] =>
  (doc?.groups as string[] | undefined) ?? [];

export function desiredGroups(
  ctx: PlanContext,
  target: JsonObject,
  live: JsonObject | undefined,
  options: UserPlanOptions,
): string[] {
  const keep = ctx.mode === 'undo' ? groupsOf(live).filter((g) => options.keptGroups.has(g)) : [];
  return [...new Set([...groupsOf(target), ...keep])].filter((g) => options.groupsAfter.has(g)).sort();
}

export function membershipActions(
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
export function linkActions(
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
