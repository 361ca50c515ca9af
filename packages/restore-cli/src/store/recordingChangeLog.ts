import type { AppendOutcome, ChangeLog, ChangeRecord, LogPosition, TimeRange } from '@cognito-rewind/core';

/**
 * A change log that remembers what it appended, so a command can archive exactly those records to a
 * delta segment when it ends (as `backup` does), keeping the bucket alone a complete backup.
 */
export class RecordingChangeLog implements ChangeLog {
  readonly appended: ChangeRecord[] = [];

  constructor(private readonly inner: ChangeLog) {}

  async append(record: ChangeRecord): Promise<AppendOutcome> {
    const outcome = await this.inner.append(record);
    if (outcome === 'appended') this.appended.push(record);
    return outcome;
  }

  head(poolId: string, entity: string) {
    return this.inner.head(poolId, entity);
  }
  entityHistory(poolId: string, entity: string) {
    return this.inner.entityHistory(poolId, entity);
  }
  timeline(poolId: string, range?: TimeRange) {
    return this.inner.timeline(poolId, range);
  }
  position(poolId: string) {
    return this.inner.position(poolId);
  }
  appendedSince(poolId: string, since: LogPosition, filter?: { validUpTo?: string }) {
    return this.inner.appendedSince(poolId, since, filter);
  }
}
