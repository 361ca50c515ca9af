import { byTimeline, inRange } from '../changeLog/timeline.js';
import { isCanonicalTime } from '../changes/canonicalTime.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import type { AppendOutcome, LogPosition, TimeRange } from '../changes/logPosition.js';
import { RewindError } from '../errors.js';
import { deltasPrefix } from '../layout/storeLayout.js';
import type { EntityKey } from '../model/entityKey.js';
import { type BlobStore, type ChangeLog, type Clock, systemClock } from '../ports.js';
import { decodeSegment } from './segmentCodec.js';
import { segmentTime } from './segmentLayout.js';

export interface SegmentChangeLogOptions {
  clock?: Clock;
  /**
   * Clock skew allowed between the writers that stamped records and the archiver that named
   * segments. @default 5 minutes
   */
  marginMs?: number;
}

/**
 * The change log read back from the bucket's delta segments alone — what is left when the table is
 * gone (a DR region holds only the replicated bucket). Read-only.
 *
 * A record is archived after it was appended, and appended after it was observed (≥ validFrom), so a
 * segment archived before `after − margin` cannot hold a record valid after `after`: the timeline
 * since a snapshot reads only the segments since it. Entity histories read every segment.
 */
export class SegmentChangeLog implements ChangeLog {
  private readonly clock: Clock;
  private readonly marginMs: number;

  constructor(
    private readonly blobs: BlobStore,
    options: SegmentChangeLogOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.marginMs = options.marginMs ?? 5 * 60_000;
  }

  async append(record: ChangeRecord): Promise<AppendOutcome> {
    throw new RewindError(
      `cannot append ${record.id}: the delta segments are an archive, read-only; append to the change log table`,
    );
  }

  async head(poolId: string, entity: EntityKey): Promise<ChangeRecord | undefined> {
    let head: ChangeRecord | undefined;
    for await (const record of this.entityHistory(poolId, entity)) head = record;
    return head;
  }

  async *entityHistory(poolId: string, entity: EntityKey): AsyncIterable<ChangeRecord> {
    const records = await this.collect(poolId, Number.NEGATIVE_INFINITY, (r) => r.entity === entity);
    yield* records.sort((a, b) => a.version - b.version);
  }

  async *timeline(poolId: string, range: TimeRange = {}): AsyncIterable<ChangeRecord> {
    const since =
      range.after === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.after) - this.marginMs;
    const records = await this.collect(poolId, since, (r) => inRange(r.validFrom, range));
    yield* records.sort(byTimeline);
  }

  /** A time: the segments archived since then hold every record appended since. */
  async position(_poolId: string): Promise<LogPosition> {
    return new Date(this.clock.now().getTime() - this.marginMs).toISOString();
  }

  /**
   * Positions of time-stamped logs (DynamoDB, this one) select segments by archive time; any other
   * position (a directory journal's offset) cannot be placed in time, so every segment is read.
   */
  async *appendedSince(
    poolId: string,
    since: LogPosition,
    filter: { validUpTo?: string } = {},
  ): AsyncIterable<ChangeRecord> {
    const from = isCanonicalTime(since) ? Date.parse(since) - this.marginMs : Number.NEGATIVE_INFINITY;
    yield* await this.collect(poolId, from, (r) => inRange(r.validFrom, { upTo: filter.validUpTo }));
  }

  /** Segment keys of the pool archived at or after `since` (ms), in archive order. */
  async segments(poolId: string, since = Number.NEGATIVE_INFINITY): Promise<string[]> {
    const keys: string[] = [];
    for await (const { key } of this.blobs.list(deltasPrefix(poolId))) {
      const time = segmentTime(key);
      if (time !== undefined && time >= since) keys.push(key);
    }
    return keys;
  }

  /** Every record of one segment, validated. */
  async read(key: string): Promise<ChangeRecord[]> {
    return (await decodeSegment(key, await this.blobs.get(key))).records;
  }

  private async collect(
    poolId: string,
    since: number,
    keep: (record: ChangeRecord) => boolean,
  ): Promise<ChangeRecord[]> {
    const byId = new Map<string, ChangeRecord>();
    for (const key of await this.segments(poolId, since))
      for (const record of await this.read(key))
        if (keep(record) && !byId.has(record.id)) byId.set(record.id, record);
    return [...byId.values()];
  }
}
