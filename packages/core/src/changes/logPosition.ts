// What the change log port (`ChangeLog` in ports.ts) takes and answers, besides the records.

export interface TimeRange {
  /** Exclusive lower bound on `validFrom` (a canonical time, see `changes/canonicalTime.ts`). */
  after?: string;
  /** Inclusive upper bound on `validFrom`. */
  upTo?: string;
}

/**
 * A point in one pool's append order, made by `ChangeLog.position` and only meaningful to the log that
 * made it (a journal offset, a sequence number, a time). Snapshots store the position taken before the
 * records folded into them were read, so a later replay can find what arrived after.
 */
export type LogPosition = string;

/** The position before any record, in every log: `appendedSince(pool, LOG_ORIGIN)` is all of it. */
export const LOG_ORIGIN: LogPosition = '0';

/** `duplicate`: the entity already holds a record of this CloudTrail event, and nothing was stored. */
export type AppendOutcome = 'appended' | 'duplicate';
