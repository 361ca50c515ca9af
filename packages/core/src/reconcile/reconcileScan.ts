import type { ChangeRecord } from '../changes/changeRecord.js';
import { nextRecords } from '../changes/nextRecords.js';
import type { ScannedEntity } from '../cognito/readPoolState.js';
import { compareKeys, type EntityKey, parseEntityKey } from '../model/entityKey.js';
import { deepEqual, type JsonObject } from '../model/json.js';
import type { EntityEntry, OptionalComponent } from '../model/poolState.js';

/** Entity kinds each optional component holds: when it was not captured, its entities carry over. */
export const COMPONENT_KINDS: Record<OptionalComponent, string[]> = {
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

export interface ReconcileOptions {
  /** When the full read began: what the log learnt after it may be newer than what was read. */
  readAt: string;
}

/**
 * Turns a scan diff into `reconcile` change records and the entries of the new snapshot, through
 * `nextRecords` — the same rule capture follows: an entity the log has never seen gets a baseline
 * record; an image older than the chain's head (capture recorded a change while the scan ran) is
 * not written, and the snapshot keeps the replayed state for it.
 */
export function reconcileRecords(
  poolId: string,
  diff: ScanDiff,
  heads: ReadonlyMap<EntityKey, ChangeRecord>,
  observedAt: string,
  { readAt }: ReconcileOptions,
): { records: ChangeRecord[]; entries: EntityEntry[]; stale: string[] } {
  const records: ChangeRecord[] = [];
  const stale: string[] = [];
  const entries = [...diff.unchanged];
  for (const change of diff.changed) {
    const outcome = reconcileOne(poolId, change, heads.get(change.key), observedAt, readAt);
    records.push(...outcome.records);
    if (outcome.stale !== undefined) stale.push(`${change.key}: ${outcome.stale}`);
    if (outcome.entry !== undefined) entries.push(outcome.entry);
  }
  entries.sort((a, b) => compareKeys(a.key, b.key));
  return { records, entries, stale };
}

/** One changed entity: its records, and its entry in the new snapshot (none: it does not exist). */
function reconcileOne(
  poolId: string,
  { key, before, after }: ScanDiff['changed'][number],
  head: ChangeRecord | undefined,
  observedAt: string,
  readAt: string,
): { records: ChangeRecord[]; entry?: EntityEntry; stale?: string } {
  const base = head === undefined && before !== undefined ? before : undefined;
  const verdict = nextRecords({
    poolId,
    entity: key,
    head,
    ...(base === undefined ? {} : { base: { version: base.version, hash: base.hash, doc: base.doc } }),
    after,
    observedAt,
    readAt,
    source: 'reconcile',
  });
  // Older than the log: the snapshot keeps the replayed state, which already holds the newer record.
  if (verdict.kind === 'stale')
    return { records: [], stale: verdict.reason, ...(before ? { entry: before } : {}) };
  const records = verdict.kind === 'records' ? verdict.records : [];
  const last = records.at(-1) ?? head;
  if (after === null) return { records };
  return { records, entry: { key, version: last?.version ?? 0, hash: last?.hash ?? null, doc: after } };
}

function withMfaOf(key: EntityKey, before: JsonObject | undefined, doc: JsonObject): JsonObject {
  if (!key.startsWith('user:') || before?.mfa === undefined || doc.mfa !== undefined) return doc;
  return { ...doc, mfa: before.mfa };
}
