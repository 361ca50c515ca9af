import { parseEntityKey } from '../../model/entityKey.js';
import type { EntityTask, RestorePlan } from './restorePlan.js';

/** The optional component an entity kind belongs to, named as the writer's `unwritable` names it. */
const COMPONENT_OF_KIND: Record<string, string> = {
  idp: 'identityProviders',
  resourceServer: 'resourceServers',
  domain: 'domain',
  ui: 'uiCustomization',
  riskConfiguration: 'riskConfiguration',
  tags: 'tags',
  mfa: 'mfa',
};

const componentOf = (task: EntityTask) => COMPONENT_OF_KIND[parseEntityKey(task.entity).kind];

/** Whether the plan changes any optional part: only then is the endpoint asked what it cannot write. */
export const changesOptionalParts = (plan: RestorePlan): boolean =>
  plan.tasks.some((task) => componentOf(task) !== undefined);

/**
 * The plan without the tasks of parts the endpoint has no write API for, each listed in a
 * `notWritable` note with the changes left undone: a call that cannot succeed is not planned, so a
 * restore that did everything it could ends as a success, and says what it could not do. Pure.
 */
export function leaveUnwritable(plan: RestorePlan, unwritable: readonly string[]): RestorePlan {
  const cannot = new Set(unwritable);
  const dropped = plan.tasks.filter((task) => cannot.has(componentOf(task) ?? ''));
  if (dropped.length === 0) return plan;
  const poolSendsTags = plan.tasks.some((t) =>
    t.actions.some((a) => a.kind === 'updatePool' && a.input.UserPoolTags !== undefined),
  );
  const notes = dropped.map((task) => {
    const component = componentOf(task) ?? task.entity;
    const fields = [...new Set(task.actions.flatMap((a) => a.changes.map((c) => c.field)))].sort();
    const viaPool =
      component === 'tags' && poolSendsTags
        ? ' (but the UpdateUserPool this restore sends carries the tags at T, and may write them)'
        : '';
    return {
      kind: 'notWritable' as const,
      entity: task.entity,
      message:
        `this endpoint cannot write ${component}: ${fields.join(', ')} left as they are` +
        `${viaPool}; ${task.actions.length} action(s) not planned`,
    };
  });
  return {
    ...plan,
    tasks: plan.tasks.filter((task) => !dropped.includes(task)),
    notes: [...plan.notes, ...notes],
  };
}
