import type { ChangeRecord } from '../changes/changeRecord.js';
import { changeOf } from '../changes/foldEntity.js';
import type { EntityKey } from '../model/entityKey.js';
import type { SnapshotManifest } from '../model/snapshotFormat.js';
import type { ChangeLog } from '../ports.js';

/**
 * When an entity began or ceased to exist, as its chain says: the records that set it whole (created,
 * replaced, deleted). A few per entity, whatever the length of its history: what verify keeps to tell
 * which entities a snapshot must hold.
 */
interface Existence {
  validFrom: number;
  version: number;
  observedAt: number;
  alive: boolean;
}

export type ExistenceByEntity = Map<EntityKey, Existence[]>;

/** The existence changes of one entity's history (in version order). */
export function existenceOf(history: readonly ChangeRecord[]): Existence[] {
  const events: Existence[] = [];
  for (const record of history) {
    const whole = changeOf(record).whole;
    if (whole === undefined) continue;
    events.push({
      validFrom: Date.parse(record.validFrom),
      version: record.version,
      observedAt: Date.parse(record.observedAt),
      alive: whole !== null,
    });
  }
  return events;
}

/** Whether the entity exists at `at` by its versions up to `cut` (valid-time order, as replay folds). */
function aliveAt(events: readonly Existence[], at: number, cut: number): boolean {
  let last: Existence | undefined;
  for (const event of events)
    if (event.version <= cut && event.validFrom <= at)
      if (
        last === undefined ||
        event.validFrom > last.validFrom ||
        (event.validFrom === last.validFrom && event.version > last.version)
      )
        last = event;
  return last?.alive ?? false;
}

/**
 * Entities a snapshot lacks though their chains say they existed at its time — what a forger who
 * drops a user from a snapshot in the bucket leaves behind; only the chains can tell.
 *
 * The snapshot folded in an entity's versions up to some cut: at least those appended before its log
 * position (the versions `appendedSince` does not return), at most those observed by the time it was
 * made (`createdAt`). An entity is missing only when it existed at `at` for every cut in between, so
 * neither a late record (its creation appended after the position) nor a deletion the snapshot's own
 * run recorded raises a false alarm. Each lacking entity is first tried against the widest cut,
 * without I/O; only when one survives is the log asked what was appended since the position (once per
 * snapshot). A snapshot without a position is replayed with the whole timeline, so an entity it lacks
 * is not lost to replay, and it is not checked.
 */
export async function missingEntities(
  changeLog: ChangeLog,
  manifest: SnapshotManifest,
  present: ReadonlySet<EntityKey>,
  existence: ExistenceByEntity,
): Promise<EntityKey[]> {
  if (manifest.logPosition === undefined) return [];
  const at = Date.parse(manifest.at);
  const widest = widestCuts(manifest, present, existence);
  if (widest.size === 0) return [];
  const late = await firstLateVersions(changeLog, manifest, manifest.logPosition, widest);
  const missing: EntityKey[] = [];
  for (const [entity, widestCut] of widest) {
    const events = existence.get(entity) ?? [];
    const narrowest = Math.min((late.get(entity) ?? Number.POSITIVE_INFINITY) - 1, widestCut);
    const cuts = [narrowest, ...events.map((e) => e.version).filter((v) => v > narrowest && v <= widestCut)];
    if (cuts.every((cut) => aliveAt(events, at, cut))) missing.push(entity);
  }
  return missing.sort();
}

/** Each lacking entity alive at `at` by every version observed before the snapshot was made: its cut. */
function widestCuts(
  manifest: SnapshotManifest,
  present: ReadonlySet<EntityKey>,
  existence: ExistenceByEntity,
): Map<EntityKey, number> {
  const at = Date.parse(manifest.at);
  const made = Date.parse(manifest.createdAt);
  const widest = new Map<EntityKey, number>();
  for (const [entity, events] of existence) {
    if (present.has(entity)) continue;
    const unseen = events.find((event) => event.observedAt > made);
    const cut = unseen === undefined ? Number.POSITIVE_INFINITY : unseen.version - 1;
    if (aliveAt(events, at, cut)) widest.set(entity, cut);
  }
  return widest;
}

/** Of the given entities, the first version appended since the position and valid by the snapshot's time. */
async function firstLateVersions(
  changeLog: ChangeLog,
  manifest: SnapshotManifest,
  position: string,
  entities: ReadonlyMap<EntityKey, number>,
): Promise<Map<EntityKey, number>> {
  const late = new Map<EntityKey, number>();
  for await (const record of changeLog.appendedSince(manifest.poolId, position, { validUpTo: manifest.at }))
    if (entities.has(record.entity))
      late.set(record.entity, Math.min(late.get(record.entity) ?? record.version, record.version));
  return late;
}
