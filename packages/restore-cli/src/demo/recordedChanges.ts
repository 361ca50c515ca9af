import type { ChangeLog, ChangeRecord, LogPosition } from '@cognito-rewind/core';
import { parseEntityKey } from '@cognito-rewind/core';

/** What the pipeline appended to a pool's change log since `since`, oldest first, each record once. */
export async function recordedSince(
  changeLog: ChangeLog,
  poolId: string,
  since: LogPosition,
): Promise<ChangeRecord[]> {
  const byId = new Map<string, ChangeRecord>();
  // A log whose pool-wide index lags may hand back a few records from just before `since` too.
  for await (const record of changeLog.appendedSince(poolId, since)) byId.set(record.id, record);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

const count = (values: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} ${value}`).join(', ');
};

/** `24 change record(s): 22 cloudtrail, 2 reconcile (3 group, 5 user, …)`. */
export function summarizeRecords(records: readonly ChangeRecord[]): string {
  if (records.length === 0) return 'no change records';
  const kinds = count(records.map((r) => parseEntityKey(r.entity).kind).sort());
  return `${records.length} change record(s) by source: ${count(records.map((r) => r.source))} (${kinds})`;
}

function whatChanged(record: ChangeRecord): string {
  if (record.after === null) return 'deleted';
  if (record.version === 1) return 'first record';
  const paths = [...new Set(record.patch.map((op) => op.path.split('/').slice(1, 3).join('.')))];
  const text = paths.join(', ');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** One line per record: entity, version, what changed, where the record came from, and its time. */
export function describeRecords(records: readonly ChangeRecord[]): string[] {
  const rows = records.map((record) => ({
    entity: record.entity,
    version: `v${record.version}`,
    what: whatChanged(record),
    origin: record.event === undefined ? record.source : `${record.source} ← ${record.event.name}`,
    validFrom: record.validFrom,
  }));
  const width = (column: 'entity' | 'version' | 'what') => Math.max(...rows.map((row) => row[column].length));
  return rows.map(
    (row) =>
      `  ${row.entity.padEnd(width('entity'))}  ${row.version.padEnd(width('version'))}  ${row.what.padEnd(width('what'))}  ${row.origin}, valid from ${row.validFrom}`,
  );
}
