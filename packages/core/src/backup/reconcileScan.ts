import type { ChangeRecord } from '../changes/changeRecord.js';
import { makeRecord } from '../changes/makeRecord.js';
import { resolveValidFrom } from '../changes/validFrom.js';
import { type EntityKey, parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import type { EntityEntry, OptionalComponent } from '../model/poolState.js';
import { createdAtOf, modifiedAtOf } from './modifiedAt.js';
import type { ScannedEntity } from './readPoolState.js';

/** Entity kinds each optional component holds: when it was not captured, its entities carry over. */
const COMPONENT_KINDS: Record<OptionalComponent, string[]> = {
  mfa: ['mfa'],
  userMfa: [],
  identityProviders: ['idp'],
  resourceServers: ['resourceServer'],
  domain: ['domain'],
  uiCustomization: ['ui'],
  riskConfiguration: ['riskConfiguration'],
  tags: ['tags'],
};

export interface ScanDiff {
  /** Entities whose scanned document differs from the head state (after = null: gone). */
  changed: { key: EntityKey; before: EntityEntry | undefined; after: JsonObject | null }[];
  /** Entities the scan confirms (or could not see), as they stand. */
  unchanged: EntityEntry[];
}

/** Compares a full scan with the head state, entity by entity. Pure. */
export function diffScan(
  head: ReadonlyMap<EntityKey, EntityEntry>,
  scan: readonly ScannedEntity[],
  notCaptured: readonly OptionalComponent[],
): ScanDiff {
  const uncaptured = new Set(notCaptured.flatMap((component) => COMPONENT_KINDS[component]));
  const scanned = new Map(scan.map((entity) => [entity.key, entity.doc]));
  const diff: ScanDiff = { changed: [], unchanged: [] };
  for (const key of [...new Set([...head.keys(), ...scanned.keys()])].sort()) {
    const before = head.get(key);
    const after = scanned.get(key) ?? null;
    const notSeen = after === null && before !== undefined && uncaptured.has(parseEntityKey(key).kind);
    if (before && (notSeen || (after && deepEqual(before.doc, after)))) diff.unchanged.push(before);
    else diff.changed.push({ key, before, after });
  }
  return diff;
}

/** Where an entity's chain ends in the change log (it may go past the head state: a deleted entity). */
export interface ChainHead {
  version: number;
  hash: string | null;
  validFrom?: string;
}

/**
 * Turns a scan diff into `reconcile` change records and the entries of the new snapshot. When the
 * change moved Cognito's own modification date, that date is when the new state became true;
 * otherwise (deletes, membership changes, components without dates) all we know is that it was true
 * when we observed it.
 */
export function reconcileRecords(
  poolId: string,
  diff: ScanDiff,
  chainHeads: ReadonlyMap<EntityKey, ChainHead>,
  observedAt: string,
): { records: ChangeRecord[]; entries: EntityEntry[] } {
  const records: ChangeRecord[] = [];
  const entries = [...diff.unchanged];
  for (const { key, before, after } of diff.changed) {
    const chain = chainHeads.get(key) ?? { version: before?.version ?? 0, hash: before?.hash ?? null };
    const record = makeRecord({
      poolId,
      entity: key,
      head: { version: chain.version, hash: chain.hash, doc: before?.doc ?? null },
      after,
      validFrom: resolveValidFrom({
        observedAt,
        entityModifiedAt: changeDate(before?.doc, after),
        previousValidFrom: chain.validFrom,
      }),
      observedAt,
      source: 'reconcile',
    });
    records.push(record);
    if (after !== null) entries.push({ key, version: record.version, hash: record.hash, doc: after });
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { records, entries };
}

function changeDate(before: JsonObject | undefined, after: JsonObject | null): string | undefined {
  if (after === null) return undefined;
  if (before === undefined) return modifiedAtOf(after) ?? createdAtOf(after);
  const modified = modifiedAtOf(after);
  return modified !== undefined && modified !== modifiedAtOf(before) ? modified : undefined;
}
