import {
  type AppendOutcome,
  byTimeline,
  type ChangeLog,
  type ChangeRecord,
  ForwardingChangeLog,
  inRange,
  type LogPosition,
  type TimeRange,
  VersionConflictError,
} from '@cognito-rewind/core';

export interface HeldChangeLogOptions {
  /**
   * Writes held records to the bucket as they pile up, so a process killed mid-restore loses at most
   * the last `every` of them; the command archives the rest (`unarchived`) when it ends.
   */
  archive?: (poolId: string, records: readonly ChangeRecord[]) => Promise<unknown>;
  /** @default 100 */
  every?: number;
}

/**
 * A change log over one that takes no appends (the bucket alone: its delta segments are an archive).
 * Appends are held here, under the same rule as every log (a record takes the next version of its
 * entity, else VersionConflictError), and read back with the rest; the command archives them to the
 * bucket as a delta segment when it ends (`Store.archive`). So a restore in a DR region, where the
 * bucket is all there is, runs to the end and leaves its history where the next `state` or `verify`
 * of the bucket reads it.
 */
export class HeldChangeLog extends ForwardingChangeLog {
  private readonly held = new Map<string, ChangeRecord[]>();
  private readonly innerHeads = new Map<string, Promise<Map<string, ChangeRecord>>>();
  private pending: ChangeRecord[] = [];

  constructor(
    inner: ChangeLog,
    private readonly options: HeldChangeLogOptions = {},
  ) {
    super(inner);
  }

  /** Held records not archived yet, in append order. */
  unarchived(): ChangeRecord[] {
    return [...this.pending];
  }

  override async append(record: ChangeRecord): Promise<AppendOutcome> {
    const head = await this.head(record.poolId, record.entity);
    const eventId = record.event?.eventId;
    if (eventId !== undefined && (await this.holdsEvent(record, eventId))) return 'duplicate';
    if (record.version !== (head?.version ?? 0) + 1)
      throw new VersionConflictError(record.entity, record.version);
    const key = heldKey(record.poolId, record.entity);
    this.held.set(key, [...(this.held.get(key) ?? []), record]);
    this.pending.push(record);
    if (this.options.archive !== undefined && this.pending.length >= (this.options.every ?? 100))
      await this.archivePending(this.options.archive);
    return 'appended';
  }

  /** A failed archive keeps its records for the next one (a record archived twice is read once). */
  private async archivePending(archive: NonNullable<HeldChangeLogOptions['archive']>): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      for (const poolId of new Set(batch.map((record) => record.poolId)))
        await archive(
          poolId,
          batch.filter((record) => record.poolId === poolId),
        );
    } catch {
      this.pending.unshift(...batch);
    }
  }

  override async head(poolId: string, entity: string): Promise<ChangeRecord | undefined> {
    return this.held.get(heldKey(poolId, entity))?.at(-1) ?? (await this.headsOf(poolId)).get(entity);
  }

  override async *entityHistory(poolId: string, entity: string): AsyncIterable<ChangeRecord> {
    yield* this.inner.entityHistory(poolId, entity);
    yield* this.held.get(heldKey(poolId, entity)) ?? [];
  }

  override async *timeline(poolId: string, range?: TimeRange): AsyncIterable<ChangeRecord> {
    const records: ChangeRecord[] = [];
    for await (const record of this.inner.timeline(poolId, range)) records.push(record);
    records.push(...this.heldOf(poolId).filter((record) => inRange(record.validFrom, range)));
    yield* records.sort(byTimeline);
  }

  override async *appendedSince(
    poolId: string,
    since: LogPosition,
    filter?: { validUpTo?: string },
  ): AsyncIterable<ChangeRecord> {
    yield* this.inner.appendedSince(poolId, since, filter);
    yield* this.heldOf(poolId).filter((record) => inRange(record.validFrom, { upTo: filter?.validUpTo }));
  }

  /**
   * The archive's head of every entity of the pool, from one pass over it: the segment log reads
   * every segment for each head asked, which a restore asks once per entity it changes.
   */
  private headsOf(poolId: string): Promise<Map<string, ChangeRecord>> {
    let heads = this.innerHeads.get(poolId);
    if (heads === undefined) {
      heads = (async () => {
        const out = new Map<string, ChangeRecord>();
        for await (const record of this.inner.timeline(poolId))
          if (record.version > (out.get(record.entity)?.version ?? 0)) out.set(record.entity, record);
        return out;
      })();
      this.innerHeads.set(poolId, heads);
    }
    return heads;
  }

  private heldOf(poolId: string): ChangeRecord[] {
    return [...this.held.values()].flat().filter((record) => record.poolId === poolId);
  }

  private async holdsEvent(record: ChangeRecord, eventId: string): Promise<boolean> {
    for await (const earlier of this.entityHistory(record.poolId, record.entity))
      if (earlier.event?.eventId === eventId) return true;
    return false;
  }
}

const heldKey = (poolId: string, entity: string) => `${poolId}\u0000${entity}`;
