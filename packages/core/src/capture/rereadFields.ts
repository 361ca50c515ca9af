import type { EntityChange } from '../changes/changeRecord.js';
import { isDatedField, isImmutableField } from '../changes/entityDates.js';
import { type Field, field, isNestedMember, memberOf, toFields } from '../changes/entityFields.js';
import type { JsonObject } from '../model/json.js';
import type { EventRead } from './eventRead.js';

/**
 * What a call may have written, when its result was never seen: every field of the members it
 * changes (`rereadable`), a nested member (a user's attributes) as a whole — the call may have added
 * a name the read no longer shows, or put back what it found.
 */
export function unobservedFields(
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
export function assertDated(read: EventRead, image: JsonObject, change: EntityChange): void {
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
export function stampOf(doc: JsonObject): { member: string; value: string } | undefined {
  for (const member of ['modifiedAt', 'LastModifiedDate'])
    if (typeof doc[member] === 'string') return { member, value: doc[member] as string };
  return undefined;
}

/**
 * A read dated by the event shows whole members (a user's attributes) as the call left them: the
 * record says all of it, names it lost included.
 */
export function knowMembers(read: EventRead, image: JsonObject, change: EntityChange): void {
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

/** The fields an event's call determines: set to a value, or removed. */
export interface Determined {
  set: JsonObject;
  unset: Field[];
}

/**
 * What the event itself says, all of it, even where the record already holds that value then: the
 * recorded state at the event's time may still lack a late event (an addition delivered after the
 * removal that undid it), and folding a known value in again changes nothing.
 */
export function determinedChange(read: EventRead): Determined {
  return { set: read.effect.set?.(read.record) ?? {}, unset: read.effect.unset?.(read.record) ?? [] };
}

/**
 * The fields the re-read may speak for: those of the members the call changes with hidden values,
 * less what the event itself determined, what never changes, and memberships (each has its own event).
 */
export function rereadableFields(read: EventRead, determined: Determined) {
  const members = read.effect.reread ?? [];
  return (path: Field): boolean =>
    (members.includes('*') || members.includes(memberOf(path))) &&
    !(path in determined.set) &&
    !determined.unset.includes(path) &&
    !isImmutableField(path) &&
    !(read.kind === 'user' && memberOf(path) === 'groups');
}
