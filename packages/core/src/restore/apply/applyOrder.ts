import { parseEntityKey } from '../../model/entityKey.js';
import { type EntityTask, PHASES, type RestorePlan } from '../plan/restorePlan.js';

/** Deletions run dependents first: users and clients before the groups, providers and servers they name. */
const DELETION_ORDER = ['user', 'client', 'ui', 'group', 'domain', 'idp', 'resourceServer'];

/**
 * The plan's phases as waves run one after another. Groups and users share one wave, groups first:
 * a user's memberships wait for their own group only (see `groupsReady`), so UserUpdate, the budget
 * that bounds a large restore, starts spending while the groups are still being made.
 */
export function waves(plan: RestorePlan): EntityTask[][] {
  const out: EntityTask[][] = [];
  for (const phase of PHASES) {
    const tasks = plan.tasks.filter((t) => t.phase === phase);
    if (phase === 'deletions')
      for (const kind of DELETION_ORDER)
        out.push(tasks.filter((t) => parseEntityKey(t.entity).kind === kind));
    else if (phase === 'users') (out.at(-1) ?? []).push(...byGroupsReady(tasks, out.at(-1) ?? []));
    else out.push(tasks);
  }
  return out.filter((wave) => wave.length > 0);
}

/**
 * Users in the order their groups come ready: groups are worked on in plan order, so a user whose
 * memberships need only early (or existing) groups goes first instead of holding a worker while it waits.
 */
function byGroupsReady(users: EntityTask[], groups: readonly EntityTask[]): EntityTask[] {
  const position = new Map(groups.map((task, index) => [parseEntityKey(task.entity).id ?? '', index + 1]));
  const readyAt = (task: EntityTask) =>
    Math.max(
      0,
      ...task.actions.map((a) => (a.kind === 'addToGroup' ? (position.get(a.input.GroupName) ?? 0) : 0)),
    );
  return users
    .map((task, index) => ({ task, index, at: readyAt(task) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ task }) => task);
}

/** One promise per group the plan creates or changes, settled once that group's task has run. */
export function groupsReady(plan: RestorePlan): Map<string, { done: Promise<void>; settle: () => void }> {
  const ready = new Map<string, { done: Promise<void>; settle: () => void }>();
  for (const task of plan.tasks) {
    if (task.phase !== 'groups') continue;
    let settle = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    ready.set(parseEntityKey(task.entity).id ?? '', { done, settle });
  }
  return ready;
}
