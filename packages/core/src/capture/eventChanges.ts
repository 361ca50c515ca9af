import type { EntityChange } from '../changes/changeRecord.js';
import {
  createdAtOf,
  isDatedField,
  isImmutableField,
  modifiedAtOf,
  sameIncarnation,
} from '../changes/entityDates.js';
import {
  type Field,
  field,
  fromFields,
  isNestedMember,
  memberOf,
  toFields,
} from '../changes/entityFields.js';
import type { FoldedState } from '../changes/foldEntity.js';
import {
  compactChange,
  creationChanges,
  dateOf,
  fieldDiff,
  isEmptyChange,
  type PlannedChange,
} from '../changes/plannedChanges.js';
import type { JsonObject } from '../model/json.js';
import type { EventEffect } from './eventEffects.js';
import type { CloudTrailRecord } from './eventSchema.js';

/** One event's view of one entity: what capture knows when it turns the event into records. */
export interface EventRead {
  kind: string;
  effect: EventEffect;
  record: CloudTrailRecord;
  /** CloudTrail's eventTime (canonical; CloudTrail gives whole seconds). */
  eventTime: string;
  /** The event's time as a validFrom: the end of its whole second, never after `observedAt`. */
  eventAt: string;
  /** The entity as recorded at the event's time (its records valid by then, in valid-time order). */
  before: FoldedState;
  /** Whether the chain holds any record at all. */
  known: boolean;
  /** The entity as re-read after the event: null when gone, or when another incarnation holds the name. */
  image: JsonObject | null;
  /**
   * What the event itself names of the entity, whatever became of it: a user's username and sub.
   * A user created and gone before any read still existed, under that name, from the event on.
   */
  identity?: JsonObject;
  observedAt: string;
}

/**
 * How far a Cognito date may lie outside CloudTrail's whole-second eventTime and still be that
 * call's: CloudTrail stamps the request's arrival (cut to the second), Cognito its write moments
 * later. A little slack before covers clock skew; none after, since Cognito dates often come in whole
 * seconds and the next second's date is the next second's call. A write that crosses into the next
 * second is then "not observed" (unknown) rather than attributed: never a guess.
 */
const BEFORE_EVENT_MS = 250;
const AFTER_EVENT_MS = 1_000;

/**
 * Whether a Cognito date is the event's own (`match`), from before it (the call moved no date), or
 * from after it (a later call's: the read shows what came after the event, not what it did).
 * Resolution: CloudTrail's seconds — two calls to one entity within one second cannot be told apart.
 */
export function dateAgainstEvent(date: string, eventTime: string): 'before' | 'match' | 'after' {
  const floor = Math.floor(Date.parse(eventTime) / 1000) * 1000;
  const at = Date.parse(date);
  if (at < floor - BEFORE_EVENT_MS) return 'before';
  return at >= floor + AFTER_EVENT_MS ? 'after' : 'match';
}

/**
 * The records one event makes of one entity, by the rules of a true history:
 * - what the call itself determines (a deletion, enabled, a membership, a status) comes from the
 *   event, at its time;
 * - what CloudTrail hides (attributes…) comes from the re-read, dated by Cognito's own date, and only
 *   when that date is the event's: a read dated later shows a later call's result, so the fields it
 *   shows changed are "changed at the event's time to a value not observed";
 * - nothing outside the members the call can change (`effect.reread`) is recorded;
 * - a created entity exists from Cognito's creation date;
 * - what Cognito does not date (MFA settings, a config without a date) is known only from the read:
 *   unknown from the event's time until the read, then the value read.
 */
export function eventChanges(read: EventRead): PlannedChange[] {
  const { effect, before, image } = read;
  if (effect.whole === 'delete') {
    if (before.doc === null && !read.known) return [];
    if (before.doc !== null && image !== null && sameIncarnation(before.doc, image)) return [];
    return [{ validFrom: read.eventAt, change: { whole: null }, caused: true }];
  }
  const determined = determinedChange(read);
  const creating = effect.whole === 'create' || (read.kind !== 'user' && before.doc === null);
  if (creating && image !== null && (before.doc === null || !sameIncarnation(before.doc, image)))
    return creation(read, image, determined);
  if (effect.whole === 'create' && image === null && before.doc === null && read.identity !== undefined)
    return unobservedCreation(read, read.identity, determined);
  const change: EntityChange = { set: { ...determined.set }, unset: [...determined.unset], unknown: [] };
  const rereadable = rereadableFields(read, determined);
  const planned: PlannedChange[] = [];
  let validFrom = read.eventAt;
  if (image === null) {
    // Changed, then gone before any read: what the call wrote was never observed.
    if (before.doc !== null) {
      const stamp = stampOf(before.doc);
      change.unknown = unobservedFields(read, [before.doc], rereadable);
      if (stamp !== undefined && (change.unknown.length > 0 || !isEmptyChange(compactChange(change))))
        change.unknown.push(field(stamp.member));
    }
  } else {
    // A stamp that did not move while fields did: this endpoint does not date the change (cognito-local
    // leaves a pool's LastModifiedDate alone on UpdateUserPool), so it is known only from the read.
    const unmoved = before.doc !== null && modifiedAtOf(image) === modifiedAtOf(before.doc);
    const imageDate = unmoved ? undefined : modifiedAtOf(image);
    const dated = (path: Field) =>
      rereadable(path) && imageDate !== undefined && isDatedField(read.kind, path);
    const datedDiff = fieldDiff(read.kind, before.doc, image, dated);
    const datedKeys = [...Object.keys(datedDiff.set), ...datedDiff.unset];
    const where = imageDate === undefined ? undefined : dateAgainstEvent(imageDate, read.eventTime);
    // Read after a later call: what this one wrote is unknown, even where the read shows the value it
    // found (the later call may have put it back).
    if (where === 'after')
      change.unknown?.push(...unobservedFields(read, [before.doc, image], (path) => dated(path)));
    if (imageDate !== undefined && datedKeys.length > 0) {
      if (where === 'match') {
        Object.assign(change.set ?? {}, datedDiff.set);
        change.unset?.push(...datedDiff.unset);
        knowMembers(read, image, change);
        validFrom = dateOf(imageDate, read.observedAt);
      }
    }
    const stamp = stampOf(image);
    const moved = stamp !== undefined && stamp.value !== before.doc?.[stamp.member];
    if (stamp !== undefined && moved) {
      const where = dateAgainstEvent(stamp.value, read.eventTime);
      // The call's own stamp (Cognito moved it in the event's second): known, and the best time.
      if (where === 'match') {
        (change.set ?? {})[field(stamp.member)] = stamp.value;
        validFrom = dateOf(stamp.value, read.observedAt);
        assertDated(read, image, change);
      }
      // Moved again by a later call before the read: what the call left it at was never observed.
      else if (where === 'after') change.unknown?.push(field(stamp.member));
    }
    const undated = (path: Field) => rereadable(path) && !dated(path);
    const undatedDiff = fieldDiff(read.kind, before.doc, image, undated);
    const undatedKeys = [...Object.keys(undatedDiff.set), ...undatedDiff.unset];
    if (undatedKeys.length > 0) {
      if (read.observedAt <= read.eventAt) {
        Object.assign(change.set ?? {}, undatedDiff.set);
        change.unset?.push(...undatedDiff.unset);
      } else {
        change.unknown?.push(...undatedKeys);
        planned.push({ validFrom: read.observedAt, change: compactChange(undatedDiff), caused: false });
      }
    }
  }
  const main = compactChange(change);
  return isEmptyChange(main) ? planned : [{ validFrom, change: main, caused: true }, ...planned];
}

/**
 * Created, and gone before any read: it existed from the event on, as the event names it — a user's
 * name and sub, what the call logs in clear (status, enabled), no groups yet — and nothing else is
 * known: said so, never guessed.
 */
function unobservedCreation(
  read: EventRead,
  identity: JsonObject,
  determined: { set: JsonObject; unset: Field[] },
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
 * What a call may have written, when its result was never seen: every field of the members it
 * changes (`rereadable`), a nested member (a user's attributes) as a whole — the call may have added
 * a name the read no longer shows, or put back what it found.
 */
function unobservedFields(
  read: EventRead,
  docs: readonly (JsonObject | null)[],
  selected: (path: Field) => boolean,
): Field[] {
  const paths = new Set<Field>();
  for (const doc of docs) {
    if (doc === null) continue;
    for (const path of toFields(read.kind, doc).keys()) {
      if (!selected(path)) continue;
      const member = field(memberOf(path));
      paths.add(isNestedMember(read.kind, member) ? member : path);
    }
    for (const member of read.effect.reread ?? []) {
      const path = field(member);
      if (member !== '*' && isNestedMember(read.kind, path) && selected(`${path}/x`)) paths.add(path);
    }
  }
  return [...paths].sort();
}

/**
 * A read stamped in the event's second is the entity as the call left it: every field Cognito's
 * stamp covers is known at that instant, whichever call wrote it. Said whole (a user's attributes as
 * one map), so whatever a late record marked unknown before it is known again from here, in any order
 * of arrival; the after-image moves only where the value differs.
 */
function assertDated(read: EventRead, image: JsonObject, change: EntityChange): void {
  change.set ??= {};
  const present = new Set(Object.keys(image));
  for (const [member, value] of Object.entries(image)) {
    const path = field(member);
    if (!isDatedField(read.kind, path) || isImmutableField(path) || path in change.set) continue;
    if (isNestedMember(read.kind, path)) {
      for (const inner of Object.keys(change.set)) if (inner.startsWith(`${path}/`)) delete change.set[inner];
      change.unset = (change.unset ?? []).filter((inner) => !inner.startsWith(`${path}/`));
    }
    change.set[path] = value;
  }
  for (const member of Object.keys(read.before.doc ?? {})) {
    const path = field(member);
    if (!present.has(member) && isDatedField(read.kind, path) && !isImmutableField(path))
      change.unset = [...(change.unset ?? []), path];
  }
}

/** Cognito's modification stamp of the document: which member holds it, and its value. */
function stampOf(doc: JsonObject): { member: string; value: string } | undefined {
  for (const member of ['modifiedAt', 'LastModifiedDate'])
    if (typeof doc[member] === 'string') return { member, value: doc[member] as string };
  return undefined;
}

/**
 * A read dated by the event shows whole members (a user's attributes) as the call left them: the
 * record says all of it, names it lost included.
 */
function knowMembers(read: EventRead, image: JsonObject, change: EntityChange): void {
  for (const member of read.effect.reread ?? []) {
    const path = field(member);
    if (member === '*' || !isNestedMember(read.kind, path) || !(member in image)) continue;
    // Said whole, not as the fields that differ: a value marked unknown earlier in valid time (a late
    // event) is then known again from here, whatever order the records arrive in.
    for (const inner of Object.keys(change.set ?? {}))
      if (inner.startsWith(`${path}/`)) delete change.set?.[inner];
    change.unset = (change.unset ?? []).filter((inner) => !inner.startsWith(`${path}/`));
    change.set ??= {};
    change.set[path] = image[member] ?? {};
  }
}

/**
 * What the event itself says, all of it, even where the record already holds that value then: the
 * recorded state at the event's time may still lack a late event (an addition delivered after the
 * removal that undid it), and folding a known value in again changes nothing.
 */
function determinedChange(read: EventRead): { set: JsonObject; unset: Field[] } {
  return { set: read.effect.set?.(read.record) ?? {}, unset: read.effect.unset?.(read.record) ?? [] };
}

/**
 * The fields the re-read may speak for: those of the members the call changes with hidden values,
 * less what the event itself determined, what never changes, and memberships (each has its own event).
 */
function rereadableFields(read: EventRead, determined: { set: JsonObject; unset: Field[] }) {
  const members = read.effect.reread ?? [];
  return (path: Field): boolean =>
    (members.includes('*') || members.includes(memberOf(path))) &&
    !(path in determined.set) &&
    !determined.unset.includes(path) &&
    !isImmutableField(path) &&
    !(read.kind === 'user' && memberOf(path) === 'groups');
}

/**
 * The entity was created by this call (or exists, never recorded, since before it): it exists from
 * Cognito's creation date. A read created after the event's window is a later incarnation: nothing.
 */
function creation(
  read: EventRead,
  image: JsonObject,
  determined: { set: JsonObject; unset: Field[] },
): PlannedChange[] {
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
