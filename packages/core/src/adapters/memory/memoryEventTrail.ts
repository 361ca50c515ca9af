import { canonicalTime } from '../../changes/canonicalTime.js';
import type { EventTrail } from '../../ports.js';
import type { TrailEntry, TrailPage, TrailQuery } from '../../trail/trailEntry.js';
import { checkTrailQuery, queryTrailEntries } from '../../trail/trailQuery.js';
import {
  checkRecordable,
  checkTrailEventId,
  checkTrailPoolId,
  type PersonalData,
  splitPersonalData,
  trailEntryFromStored,
} from '../../trail/trailSchema.js';

interface Stored {
  eventTime: string;
  /** The entry without its personal data, as JSON text: a caller's later edits never reach it. */
  json: string;
  personal?: PersonalData;
}

/** An `EventTrail` in memory: the reference behaviour the contract suite pins down. */
export class MemoryEventTrail implements EventTrail {
  private readonly pools = new Map<string, Map<string, Stored>>();

  private pool(poolId: string): Map<string, Stored> {
    checkTrailPoolId(poolId);
    let pool = this.pools.get(poolId);
    if (pool === undefined) {
      pool = new Map();
      this.pools.set(poolId, pool);
    }
    return pool;
  }

  async record(entry: TrailEntry): Promise<'recorded' | 'duplicate'> {
    checkRecordable(entry);
    const pool = this.pool(entry.poolId);
    if (pool.has(entry.eventId)) return 'duplicate';
    const { kept, personal } = splitPersonalData(entry);
    pool.set(entry.eventId, {
      eventTime: entry.eventTime,
      json: JSON.stringify(kept),
      ...(personal === undefined ? {} : { personal: { ...personal } }),
    });
    return 'recorded';
  }

  async get(poolId: string, eventId: string): Promise<TrailEntry | undefined> {
    checkTrailEventId(eventId);
    const stored = this.pool(poolId).get(eventId);
    return stored && this.read(poolId, eventId, stored);
  }

  async query(poolId: string, query?: TrailQuery): Promise<TrailPage> {
    const pool = this.pool(poolId);
    const window = checkTrailQuery(query);
    return queryTrailEntries(
      [...pool].map(([eventId, stored]) => this.read(poolId, eventId, stored)),
      window,
    );
  }

  async forgetPersonalData(poolId: string, before: string): Promise<number> {
    const bound = canonicalTime(before);
    let changed = 0;
    for (const stored of this.pool(poolId).values())
      if (stored.personal !== undefined && stored.eventTime < bound) {
        delete stored.personal;
        changed += 1;
      }
    return changed;
  }

  /** For tests of damage handling: replaces the stored JSON of an entry with `text`. */
  overwriteStored(poolId: string, eventId: string, text: string): void {
    const stored = this.pool(poolId).get(eventId);
    if (stored !== undefined) stored.json = text;
  }

  private read(poolId: string, eventId: string, stored: Stored): TrailEntry {
    const where = `memory trail ${poolId} event ${JSON.stringify(eventId)}`;
    return trailEntryFromStored(stored.json, where, stored.personal, { poolId, eventId });
  }
}
