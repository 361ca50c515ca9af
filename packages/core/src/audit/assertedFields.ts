import type { EntityChange } from '../changes/changeRecord.js';
import { type Field, fieldParts, toFields } from '../changes/entityFields.js';
import type { JsonObject, JsonValue } from '../model/json.js';

/**
 * What one record says about each field it touches (`undefined`: removed), in the flat field form
 * (`/enabled`, `/attributes/email`, `/groups/admins`, see `entityFields.ts`). A record's `change` is
 * what *it* changed at its validFrom; its after-image is the whole chain folded in valid-time order,
 * so two calls captured out of order would each show the other's change if the words came from
 * after-images. A member given whole (`/attributes`, `/groups`) is expanded: its fields the entity
 * had before and the record leaves out are removed.
 */
export function assertedFields(
  kind: string,
  change: EntityChange,
  before: ReadonlyMap<Field, JsonValue>,
): Map<Field, JsonValue | undefined> {
  const asserted = new Map<Field, JsonValue | undefined>();
  const dropUnder = (member: string, kept: ReadonlyMap<Field, JsonValue>) => {
    for (const field of before.keys())
      if (field.startsWith(`/${member}/`) && !kept.has(field)) asserted.set(field, undefined);
  };
  for (const [path, value] of Object.entries(change.set ?? {})) {
    const [member = '', key] = fieldParts(path);
    const expanded = key === undefined ? toFields(kind, { [member]: value } as JsonObject) : undefined;
    if (expanded !== undefined && !expanded.has(path)) {
      for (const [field, inner] of expanded) asserted.set(field, inner);
      dropUnder(member, expanded);
    } else asserted.set(path, value);
  }
  for (const path of change.unset ?? []) {
    const [member = '', key] = fieldParts(path);
    asserted.set(path, undefined);
    if (key === undefined) dropUnder(member, new Map());
  }
  return asserted;
}
