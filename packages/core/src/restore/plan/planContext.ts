import type { EntityKey } from '../../model/entityKey.js';
import { deepEqual, type JsonObject, type JsonValue } from '../../model/json.js';
import type {
  ActionInputs,
  EntityTask,
  FieldChange,
  Phase,
  RestoreAction,
  RestoreActionKind,
  RestoreActionOf,
  RestoreMode,
  RestoreNote,
  RestoreScope,
} from './restorePlan.js';

/** What every part of the planner shares: the two states, the options, and what it has decided. */
export interface PlanContext {
  readonly target: ReadonlyMap<EntityKey, JsonObject>;
  readonly live: ReadonlyMap<EntityKey, JsonObject>;
  readonly mode: RestoreMode;
  readonly notify: boolean;
  inScope(scope: RestoreScope): boolean;
  readonly tasks: EntityTask[];
  readonly kept: EntityKey[];
  readonly notes: RestoreNote[];
}

export function action<K extends RestoreActionKind>(
  kind: K,
  entity: EntityKey,
  input: ActionInputs[K],
  reason: string,
  changes: FieldChange[] = [],
  suffix?: string,
): RestoreActionOf<K> {
  return {
    id: `${kind} ${entity}${suffix === undefined ? '' : ` ${suffix}`}`,
    kind,
    entity,
    changes,
    reason,
    input,
  };
}

/** Field-level differences between two writable views, for people to read in the plan. */
export function fieldChanges(before: JsonObject | null, after: JsonObject | null): FieldChange[] {
  const changes: FieldChange[] = [];
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  for (const field of fields) {
    const was = before?.[field];
    const will = after?.[field];
    if (!deepEqual(was, will)) changes.push(change(field, was, will));
  }
  return changes;
}

export function change(
  field: string,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): FieldChange {
  return { field, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
}

export function addTask(
  ctx: PlanContext,
  phase: Phase,
  entity: EntityKey,
  expected: JsonObject | null,
  desired: JsonObject | null,
  actions: RestoreAction[],
  liveEntity: EntityKey = entity,
  unchecked?: string,
): void {
  if (actions.length > 0)
    ctx.tasks.push({
      entity,
      liveEntity,
      phase,
      expected,
      desired,
      ...(unchecked ? { unchecked } : {}),
      actions,
    });
}

/** Keys of one collection kind (`user:`…) in a state. */
export function keysOf(state: ReadonlyMap<EntityKey, JsonObject>, kind: string): EntityKey[] {
  const prefix = `${kind}:`;
  return [...state.keys()].filter((key) => key.startsWith(prefix)).sort();
}

export const idOf = (key: EntityKey): string => key.slice(key.indexOf(':') + 1);
