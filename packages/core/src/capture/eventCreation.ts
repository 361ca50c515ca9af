import { createdAtOf, isDatedField } from '../changes/entityDates.js';
import { type Field, fromFields, toFields } from '../changes/entityFields.js';
import type { FoldedState } from '../changes/foldEntity.js';
import {
  compactChange,
  creationChanges,
  fieldDiff,
  isEmptyChange,
  type PlannedChange,
} from '../changes/plannedChanges.js';
import type { JsonObject } from '../model/json.js';
import { dateAgainstEvent, type EventRead } from './eventRead.js';
import type { Determined } from './rereadFields.js';

/**
 * Created, and gone before any read: it existed from the event on, as the event names it — a user's
 * name and sub, what the call logs in clear (status, enabled), no groups yet — and nothing else is
 * known: said so, never guessed.
 */
export function unobservedCreation(
  read: EventRead,
  identity: JsonObject,
  determined: Determined,
): PlannedChange[] {
  const fields = toFields(read.kind, { ...(read.kind === 'user' ? { groups: [] } : {}), ...identity });
  for (const [path, value] of Object.entries(determined.set)) fields.set(path, value);
  const unknown = read.kind === 'user' ? ['/attributes', '/createdAt', '/modifiedAt'] : [];
  for (const path of ['/enabled', '/status'])
    if (read.kind === 'user' && !fields.has(path)) unknown.push(path);
  const change = compactChange({ whole: fromFields(read.kind, fields), unknown });
  return [{ validFrom: read.eventAt, change, caused: true }];
}

/**
 * The entity was created by this call (or exists, never recorded, since before it): it exists from
 * Cognito's creation date. A read created after the event's window is a later incarnation: nothing.
 */
export function creation(read: EventRead, image: JsonObject, determined: Determined): PlannedChange[] {
  const created = createdAtOf(image);
  // A creation dated after the event is a later incarnation, except for a user: its read carries the
  // event's sub (capture checked), so the date is its own, only written across a second's boundary.
  if (read.kind !== 'user' && created !== undefined && dateAgainstEvent(created, read.eventTime) === 'after')
    return [];
  const { creation } = creationChanges(read.kind, image, read.observedAt, read.eventAt);
  const whole = creation.change.whole as JsonObject;
  const fields = toFields(read.kind, whole);
  for (const [path, value] of Object.entries(determined.set)) fields.set(path, value);
  const unknown = (creation.change.unknown ?? []).filter((path) => !(path in determined.set));
  // What Cognito does not date but the creating call may set (a new pool's MFA mode): from the read,
  // at once when read within the event's second, else unknown until the read.
  const undated = fieldDiff(read.kind, fromFields(read.kind, fields), image, (path) =>
    creationSetsUndated(read.kind, path),
  );
  const later: PlannedChange[] = [];
  if (read.observedAt <= read.eventAt) {
    for (const [path, value] of Object.entries(undated.set)) fields.set(path, value);
  } else if (!isEmptyChange(compactChange(undated))) {
    unknown.push(...Object.keys(undated.set), ...undated.unset);
    later.push({ validFrom: read.observedAt, change: compactChange(undated), caused: false });
  }
  const change = compactChange({ whole: fromFields(read.kind, fields), unknown });
  const caused = created === undefined || dateAgainstEvent(created, read.eventTime) === 'match';
  return [{ validFrom: creation.validFrom, change, caused }, ...later];
}

/** Undated members a creating call may set (a user's memberships and MFA come from calls of their own). */
const creationSetsUndated = (kind: string, path: Field): boolean =>
  kind !== 'user' && !isDatedField(kind, path);

/**
 * An entity the call did not create, first seen by the read of this event, created before the call's
 * second (an entity no full read has recorded yet): it exists from its creation, as created, by no
 * event's doing; what the call did to it is then read as for any entity the log holds, so the event
 * has its record the first time it is captured, not only when delivered again. Undefined when the
 * creation may be the call's own (its second, or no creation date).
 */
export function existedBefore(
  read: EventRead,
  image: JsonObject,
): { baseline: PlannedChange; before: FoldedState } | undefined {
  const created = createdAtOf(image);
  if (read.effect.whole === 'create' || created === undefined) return undefined;
  if (dateAgainstEvent(created, read.eventTime) !== 'before') return undefined;
  const { creation } = creationChanges(read.kind, image, read.observedAt, read.eventAt);
  const doc = creation.change.whole as JsonObject;
  return {
    baseline: { ...creation, caused: false },
    before: { doc, unknown: creation.change.unknown ?? [] },
  };
}
