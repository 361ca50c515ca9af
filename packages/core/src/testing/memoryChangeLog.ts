import type { ChangeRecord } from '../changes/changeRecord.js';
import { byTimeline, inRange } from '../changes/timeline.js';
import { VersionConflictError } from '../errors.js';
import type { ChangeLog, TimeRange } from '../ports.js';

/** A `ChangeLog` in memory: the reference behaviour the contract suite pins down. */
export class MemoryChangeLog implements ChangeLog {
  private readonly streams = new Map<string, ChangeRecord[]>();

  private stream(poolId: string, entity: string): ChangeRecord[] {
    const id = `${poolId}\u0000${entity}`;
    let records = this.streams.get(id);
    if (records === undefined) {
      records = [];
      this.streams.set(id, records);
    }
    return records;
  }

  async append(record: ChangeRecord): Promise<void> {
    const records = this.stream(record.poolId, record.entity);
    if (records.some((r) => r.version === record.version))
      throw new VersionConflictError(record.entity, record.version);
    records.push(structuredClone(record));
    records.sort((a, b) => a.version - b.version);
  }

  async head(poolId: string, entity: string): Promise<ChangeRecord | undefined> {
    const records = this.stream(poolId, entity);
    const last = records[records.length - 1];
    return last && structuredClone(last);
  }

  async *entityHistory(poolId: string, entity: string): AsyncIterable<ChangeRecord> {
    for (const record of this.stream(poolId, entity)) yield structuredClone(record);
  }

  async *timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    const all = [...this.streams.values()]
      .flat()
      .filter((r) => r.poolId === poolId && inRange(r.validFrom, range))
      .sort(byTimeline);
    for (const record of all) yield structuredClone(record);
  }
}
