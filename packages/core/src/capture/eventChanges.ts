import type { EntityChange } from '../changes/changeRecord.js';
import { isDatedField, modifiedAtOf, sameIncarnation } from '../changes/entityDates.js';
import { type Field, field } from '../changes/entityFields.js';
import {
  compactChange,
  dateOf,
  fieldDiff,
  isEmptyChange,
  type PlannedChange,
} from '../changes/plannedChanges.js';
import { creation, existedBefore, unobservedCreation } from './eventCreation.js';
import { dateAgainstEvent, type EventRead } from './eventRead.js';
import {
  assertDated,
  determinedChange,
  knowMembers,
  rereadableFields,
  stampOf,
  unobservedFields,
} from './rereadFields.js';

/**
 * The records one event makes of one entity, by the rules of a true history:
 * - what the call itself determines (a deletion, enabled, a membership, a status) comes from the
 *   event, at its time;
 * - what CloudTrail hides (attributes…) comes from the re-read, dated by Cognito's own date, and only
 *   when that date is the event's: a read dated later shows a later call's result, so the fields it
 *   shows changed are "changed at the event's time to a value not observed";
 * - nothing outside the members the call can change (`effect.reread`) is recorded;
 * - a created entity exists from Cognito's creation date; one first seen by this read but created
 *   before the call exists from then by no event's doing, and what the call did to it is the event's;
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
  if (creating && image !== null && (before.doc === null || !sameIncarnation(before.doc, image))) {
    const existing = existedBefore(read, image);
    if (existing === undefined) return creation(read, image, determined);
    return [existing.baseline, ...eventChanges({ ...read, before: existing.before, known: true })];
  }
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
