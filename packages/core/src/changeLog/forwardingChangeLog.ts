import type { ChangeRecord } from '../changes/changeRecord.js';
import type { AppendOutcome, LogPosition, TimeRange } from '../changes/logPosition.js';
import type { ChangeLog } from '../ports.js';

/**
 * A change log that hands every call to another one: the base of wrappers that watch a log without
 * changing it (what a command appended, what a replay read, when an append landed). A subclass
 * overrides only the calls it watches.
 */
export class ForwardingChangeLog implements ChangeLog {
  constructor(protected readonly inner: ChangeLog) {}

  append(record: ChangeRecord): Promise<AppendOutcome> {
    return this.inner.append(record);
  }
  head(poolId: string, entity: string): Promise<ChangeRecord | undefined> {
    return this.inner.head(poolId, entity);
  }
  entityHistory(poolId: string, entity: string): AsyncIterable<ChangeRecord> {
    return this.inner.entityHistory(poolId, entity);
  }
  timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    return this.inner.timeline(poolId, range);
  }
  position(poolId: string): Promise<LogPosition> {
    return this.inner.position(poolId);
  }
  appendedSince(
    poolId: string,
    since: LogPosition,
    filter?: { validUpTo?: string },
  ): AsyncIterable<ChangeRecord> {
    return this.inner.appendedSince(poolId, since, filter);
  }
}
