import { byTimeline, inRange } from '../../changeLog/timeline.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { AppendOutcome, LogPosition, TimeRange } from '../../changes/logPosition.js';
import { checkAppendable } from '../../changes/recordSchema.js';
import { InvalidInputError, VersionConflictError } from '../../errors.js';
import type { ChangeLog } from '../../ports.js';

interface Stored {
  record: ChangeRecord;
  /** Append order across the whole log. */
  seq: number;
}

/** A `ChangeLog` in memory: the reference behaviour the contract suite pins down. */
export class MemoryChangeLog implements ChangeLog {
  private readonly streams = new Map<string, Stored[]>();
  private readonly appended: Stored[] = [];

  private stream(poolId: string, entity: string): Stored[] {
    const id = `${poolId}\u0000${entity}`;
    let records = this.streams.get(id);
    if (records === undefined) {
      records = [];
      this.streams.set(id, records);
    }
    return records;
  }

  async append(record: ChangeRecord): Promise<AppendOutcome> {
    checkAppendable(record);
    const stream = this.stream(record.poolId, record.entity);
    const eventId = record.event?.eventId;
    if (eventId !== undefined && stream.some((s) => s.record.event?.eventId === eventId)) return 'duplicate';
    if (stream.some((s) => s.record.version === record.version))
      throw new VersionConflictError(record.entity, record.version);
    const stored = { record: structuredClone(record), seq: this.appended.length };
    stream.push(stored);
    stream.sort((a, b) => a.record.version - b.record.version);
    this.appended.push(stored);
    return 'appended';
  }

  async head(poolId: string, entity: string): Promise<ChangeRecord | undefined> {
    const last = this.stream(poolId, entity).at(-1);
    return last && structuredClone(last.record);
  }

  async *entityHistory(poolId: string, entity: string): AsyncIterable<ChangeRecord> {
    for (const { record } of this.stream(poolId, entity)) yield structuredClone(record);
  }

  async *timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    const all = this.appended
      .map((s) => s.record)
      .filter((r) => r.poolId === poolId && inRange(r.validFrom, range))
      .sort(byTimeline);
    for (const record of all) yield structuredClone(record);
  }

  async position(_poolId: string): Promise<LogPosition> {
    return String(this.appended.length);
  }

  async *appendedSince(
    poolId: string,
    since: LogPosition,
    filter: { validUpTo?: string } = {},
  ): AsyncIterable<ChangeRecord> {
    const from = Number(since);
    if (!Number.isSafeInteger(from) || from < 0)
      throw new InvalidInputError(`${JSON.stringify(since)} is not a position of this change log`);
    for (const { record } of this.appended.slice(from))
      if (record.poolId === poolId && inRange(record.validFrom, { upTo: filter.validUpTo }))
        yield structuredClone(record);
  }
}
