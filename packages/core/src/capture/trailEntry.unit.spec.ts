import { readFileSync } from 'node:fs';
import { monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { checkRecordable } from '../trail/trailSchema.js';
import type { CaptureOutcome } from './captureEvent.js';
import { parseCognitoEvent } from './eventSchema.js';
import { trailEntryOf } from './trailEntry.js';

const ulid = monotonicFactory();

function deleteGroupEvent() {
  const json = JSON.parse(readFileSync(new URL('./fixtures/DeleteGroup.json', import.meta.url), 'utf8'));
  const parsed = parseCognitoEvent(json);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('the trail entry of an event', () => {
  it('of a group of thousands deleted lists the first entities and records, says how many, and can be stored', () => {
    const event = deleteGroupEvent();
    const appended = Array.from(
      { length: 2_500 },
      (_, i) =>
        ({
          entity: `user:member-${String(i).padStart(5, '0')}`,
          id: ulid(1_717_000_000_000),
        }) as ChangeRecord,
    );
    const outcome: CaptureOutcome = {
      poolId: 'eu-west-1_Ab12Cd34E',
      appended,
      duplicates: [],
      duplicateIds: [],
      unchanged: [],
      unsupported: [],
      forReconcile: [],
    };
    const entry = trailEntryOf(event, outcome, '2025-03-14T09:10:00.000Z');
    expect(entry?.entities).toHaveLength(300);
    expect(entry?.changeIds).toHaveLength(300);
    expect(entry?.outcome).toBe('changed');
    expect(entry?.reason).toContain('2500 entities and 2500 change records');
    expect(() => checkRecordable(entry as never)).not.toThrow();
  });
});
