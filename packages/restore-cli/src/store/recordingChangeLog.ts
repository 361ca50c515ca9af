import { type AppendOutcome, type ChangeRecord, ForwardingChangeLog } from '@cognito-rewind/core';

/**
 * A change log that remembers what it appended, so a command can archive exactly those records to a
 * delta segment when it ends (as `backup` does), keeping the bucket alone a complete backup.
 */
export class RecordingChangeLog extends ForwardingChangeLog {
  readonly appended: ChangeRecord[] = [];

  override async append(record: ChangeRecord): Promise<AppendOutcome> {
    const outcome = await this.inner.append(record);
    if (outcome === 'appended') this.appended.push(record);
    return outcome;
  }
}
