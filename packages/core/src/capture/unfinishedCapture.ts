import type { ChangeRecord } from '../changes/changeRecord.js';
import { isDatedField, modifiedAtOf, sameIncarnation } from '../changes/entityDates.js';
import { type Field, isNestedMember, memberOf, toFields } from '../changes/entityFields.js';
import { ABSENT, foldChanges } from '../changes/foldEntity.js';
import { compactChange, isEmptyChange, type PlannedChange } from '../changes/plannedChanges.js';
import type { JsonObject } from '../model/json.js';

/**
 * A capture appends an entity's records one at a time: the event's record, which marks what Cognito
 * does not date unknown from the event's time, then (the read being later than the call's second)
 * the value read, at the read. An invocation that dies — or loses the next version to another
 * writer — between the two leaves the event's record alone, and a redelivery finds it and writes
 * nothing of the event again: the fields it marked unknown would stay so until reconcile.
 *
 * These are the fields the event's record (`claim`) marked unknown that the entity's chain still
 * holds unknown: no record since has said their value. Empty for a capture that finished.
 */
export function awaitedFields(kind: string, history: readonly ChangeRecord[], claim: ChangeRecord): Field[] {
  const marked = claim.change?.unknown ?? [];
  if (marked.length === 0) return [];
  const still = new Set(foldChanges(kind, ABSENT, history).unknown);
  return marked.filter((path) => still.has(path));
}

/**
 * What the redelivery's read says of the awaited fields that only a read can know (Cognito does not
 * date them, or this entity has no date): their value at the read, a change no event caused, as the
 * cut capture would have written it. Dated fields are left to the event whose date they carry; an
 * entity gone, or another incarnation under its name, says nothing of this one.
 */
export function finishingChange(
  kind: string,
  history: readonly ChangeRecord[],
  awaited: readonly Field[],
  image: JsonObject | null,
  observedAt: string,
): PlannedChange | undefined {
  const recorded = foldChanges(kind, ABSENT, history).doc;
  if (image === null || recorded === null || !sameIncarnation(recorded, image)) return undefined;
  const dated = modifiedAtOf(image) !== undefined;
  const fields = toFields(kind, image);
  const set: JsonObject = {};
  const unset: Field[] = [];
  for (const path of awaited) {
    if (dated && isDatedField(kind, path)) continue;
    const value = isNestedMember(kind, path) ? image[memberOf(path)] : fields.get(path);
    if (value === undefined) unset.push(path);
    else set[path] = value;
  }
  const change = compactChange({ set, unset });
  return isEmptyChange(change) ? undefined : { validFrom: observedAt, change, caused: false };
}
