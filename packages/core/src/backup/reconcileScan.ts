import type { ChangeRecord } from '../changes/changeRecord.js';
import { changeSteps } from '../changes/changeSteps.js';
import { makeRecord } from '../changes/makeRecord.js';
import { resolveValidFrom } from '../changes/validFrom.js';
import { compareKeys, type EntityKey, parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import type { EntityEntry, OptionalComponent } from '../model/poolState.js';
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

/**
 * Compares a full scan with the head state, entity by entity. Pure. A user's MFA settings that were
 * not read this time (MFA off, or not supported) are taken as unchanged, not as gone.
 */
export function diffScan(
  head: ReadonlyMap<EntityKey, EntityEntry>,
  scan: readonly ScannedEntity[],
  notCaptured: readonly OptionalComponent[],
  { userMfaRead = true }: { userMfaRead?: boolean } = {},
): ScanDiff {
  const uncaptured = new Set(notCaptured.flatMap((component) => COMPONENT_KINDS[component]));
  const scanned = new Map(
    scan.map(({ key, doc }) => [key, userMfaRead ? doc : withMfaOf(key, head.get(key)?.doc, doc)] as const),
  );
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
  /** The after-image of the chain's last record. */
  after?: JsonObject | null;
}

export interface ReconcileOptions {
  /**
   * The first snapshot of a pool starts its history: entities the change log has never seen are
   * taken as they are, with no record. Entities it has seen still continue their chains.
   */
  startOfHistory?: boolean;
}

/**
 * Turns a scan diff into `reconcile` change records and the entries of the new snapshot, with each
 * record stamped by the most precise time it can trust (see `changeSteps` and `resolveValidFrom`).
 */
export function reconcileRecords(
  poolId: string,
  diff: ScanDiff,
  chainHeads: ReadonlyMap<EntityKey, ChainHead>,
  observedAt: string,
  { startOfHistory = false }: ReconcileOptions = {},
): { records: ChangeRecord[]; entries: EntityEntry[] } {
  const records: ChangeRecord[] = [];
  const entries = [...diff.unchanged];
  for (const change of diff.changed) {
    const chain = chainHeads.get(change.key);
    const outcome =
      startOfHistory && chain === undefined && change.before === undefined
        ? { records: [], version: 0, hash: null }
        : recordChange(poolId, change, chain, observedAt);
    records.push(...outcome.records);
    if (change.after !== null)
      entries.push({ key: change.key, version: outcome.version, hash: outcome.hash, doc: change.after });
  }
  entries.sort((a, b) => compareKeys(a.key, b.key));
  return { records, entries };
}

type Change = ScanDiff['changed'][number];

/** The records of one entity's change, and where its chain ends after them. */
function recordChange(
  poolId: string,
  { key, before, after }: Change,
  chain: ChainHead | undefined,
  observedAt: string,
): { records: ChangeRecord[]; version: number; hash: string | null } {
  let head = { version: chain?.version ?? before?.version ?? 0, hash: chain?.hash ?? before?.hash ?? null };
  // The chain can be ahead of the replayed state (a record valid after this instant: clock skew, or
  // a concurrent writer). Patches always start from the chain's own last after-image.
  const ahead = chain?.after !== undefined && chain.version > (before?.version ?? 0);
  let doc = ahead ? (chain?.after ?? null) : (before?.doc ?? null);
  if (ahead && deepEqual(doc ?? undefined, after ?? undefined)) return { records: [], ...head };
  const records: ChangeRecord[] = [];
  let validFrom = chain?.validFrom;
  for (const step of changeSteps(key, doc ?? undefined, after)) {
    validFrom = resolveValidFrom({ observedAt, entityModifiedAt: step.date, previousValidFrom: validFrom });
    const record = makeRecord({
      poolId,
      entity: key,
      head: { ...head, doc },
      after: step.doc,
      validFrom,
      observedAt,
      source: 'reconcile',
    });
    records.push(record);
    head = { version: record.version, hash: record.hash };
    doc = step.doc;
  }
  return { records, ...head };
}

function withMfaOf(key: EntityKey, before: JsonObject | undefined, doc: JsonObject): JsonObject {
  if (!key.startsWith('user:') || before?.mfa === undefined || doc.mfa !== undefined) return doc;
  return { ...doc, mfa: before.mfa };
}
