import type { ChangeLog, ChangeRecord, TimeRange } from '@cognito-rewind/core';

export interface ChangeLogFixture {
  log: ChangeLog;
  /** A new adapter instance over the same storage (the in-memory reference returns itself). */
  reopen(): Promise<ChangeLog>;
  /** Removes whatever the log created (temp directory, table items). */
  cleanup(): Promise<void>;
  /**
   * Whether `appendedSince` returns exactly the records appended after the position (a journal offset,
   * a counter). A log whose pool-wide index lags returns some earlier ones too. @default true
   */
  exactPosition?: boolean;
  /** Rewrites one stored record's JSON behind the adapter's back, to show damage is reported on read. */
  tamper?(
    poolId: string,
    entity: string,
    version: number,
    edit: (json: Record<string, unknown>) => void,
  ): Promise<void>;
}

/** What each test of the suite works with: the log under test, and ways to read it. */
export interface ChangeLogTestContext {
  readonly log: ChangeLog;
  readonly fixture: ChangeLogFixture | undefined;
  /** Another adapter instance over the same storage. */
  reopen(): Promise<ChangeLog>;
  /** The ids of the records, in the order given. */
  ids(records: AsyncIterable<ChangeRecord>): Promise<string[]>;
  /** The pool's timeline (POOL unless given), read whole. */
  timeline(range?: TimeRange, poolId?: string): Promise<ChangeRecord[]>;
}
