import type { EventTrail } from '@cognito-rewind/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { eventTrailQueries } from './eventTrail.queries.js';
import { eventTrailRecords } from './eventTrail.records.js';

export interface EventTrailFixture {
  trail: EventTrail;
  /** A second handle on the same storage (another process, another Lambda container). */
  other: () => EventTrail;
  /** Overwrites the stored entry of one event with bytes that do not decode, behind the adapter's back. */
  damage(poolId: string, eventId: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** What each test works with: the fixture of the adapter under test. */
export interface EventTrailTestContext {
  readonly fixture: EventTrailFixture;
  readonly trail: EventTrail;
}

/**
 * What every `EventTrail` adapter guarantees, written once and run against the in-memory reference, the
 * directory trail and DynamoDB: each event stored once, the first entry winning; four indexed queries in
 * one order with inclusive bounds and a cursor that sees each entry once; damage reported, never skipped;
 * personal data forgotten on request and nothing else with it.
 */
export function eventTrailContract(name: string, create: () => Promise<EventTrailFixture>): void {
  describe(`EventTrail contract: ${name}`, () => {
    let current: EventTrailFixture | undefined;
    beforeEach(async () => {
      current = await create();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const fixture = (): EventTrailFixture => {
      if (current === undefined) throw new Error('no fixture');
      return current;
    };
    const context: EventTrailTestContext = {
      get fixture() {
        return fixture();
      },
      get trail() {
        return fixture().trail;
      },
    };
    eventTrailRecords(context);
    eventTrailQueries(context);
  });
}
