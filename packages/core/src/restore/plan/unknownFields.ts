import { type Fields, fromFields, toFields } from '../../changes/entityFields.js';
import { type EntityKey, parseEntityKey } from '../../model/entityKey.js';
import type { JsonObject } from '../../model/json.js';
import type { RestoreNote } from './restorePlan.js';

/**
 * Fields whose value at T nobody observed (a value overwritten before any read) are never guessed:
 * an entity that exists live keeps what it has there — the plan changes nothing it cannot vouch for
 * — and one that must be re-created gets the last value known before T, or none. Either way the plan
 * says so.
 */
export function settleUnknownFields(
  target: ReadonlyMap<EntityKey, JsonObject>,
  live: ReadonlyMap<EntityKey, JsonObject>,
  unknown: ReadonlyMap<EntityKey, readonly string[]>,
): { target: Map<EntityKey, JsonObject>; notes: RestoreNote[] } {
  const settled = new Map(target);
  const notes: RestoreNote[] = [];
  for (const [entity, paths] of unknown) {
    const doc = target.get(entity);
    if (doc === undefined || paths.length === 0) continue;
    const { kind } = parseEntityKey(entity);
    const list = paths.join(', ');
    const now = live.get(entity);
    if (now === undefined) {
      notes.push({
        kind: 'unknownValue',
        entity,
        message: `${entity}: ${list} changed by T to a value nobody observed; re-created with the last value known before, where there is one`,
      });
      continue;
    }
    const fields = toFields(kind, doc);
    const liveFields = toFields(kind, now);
    // Who the user was stays as recorded (its sub is named by the event even when its attributes
    // were not seen): a live user of that name with another sub is someone else, never merged.
    const sub = fields.get(SUB);
    for (const path of paths) copyField(fields, liveFields, path);
    if (sub !== undefined) fields.set(SUB, sub);
    settled.set(entity, fromFields(kind, fields));
    notes.push({
      kind: 'unknownValue',
      entity,
      message: `${entity}: ${list} changed by T to a value nobody observed; left as it is in the live pool`,
    });
  }
  return { target: settled, notes };
}

const SUB = '/attributes/sub';

/** `path` (a field, or a whole member such as `/attributes`) in `into` as it is in `from`. */
function copyField(into: Fields, from: Fields, path: string): void {
  const inside = (key: string) => key === path || key.startsWith(`${path}/`);
  for (const key of [...into.keys()]) if (inside(key)) into.delete(key);
  for (const [key, value] of from) if (inside(key)) into.set(key, value);
}
