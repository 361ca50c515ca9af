import type { ChangeLog, ChangeRecord, JsonObject } from '@cognito-rewind/core';
import { makeRecord, sha256Hex, VersionConflictError } from '@cognito-rewind/core';
import { expect } from 'vitest';

/** Test data shared by the ChangeLog suites: pools, times, records that chain like capture's. */

export const POOL = 'us-east-1_Contract1';
export const OTHER_POOL = 'eu-west-1_Contract2';

/** Seconds after 2024-01-01T00:00:00Z, as the ISO string the domain writes. */
export const at = (seconds: number): string => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds)).toISOString();

/** Every record of the helper names its own event: only the duplicate test repeats one on purpose. */
let eventCounter = 0;
export const nextEventId = (): string => {
  eventCounter += 1;
  return `evt-${eventCounter}`;
};

export interface RecordOptions {
  poolId?: string;
  observedAt?: string;
  after?: JsonObject | null;
}

export function record(
  entity: string,
  version: number,
  validFrom: string,
  options: RecordOptions = {},
): ChangeRecord {
  const previous = version > 1 ? { version: version - 1 } : null;
  return makeRecord({
    poolId: options.poolId ?? POOL,
    entity,
    head: { version: version - 1, hash: previous && sha256Hex(`${entity}@${version - 1}`), doc: previous },
    after: options.after === undefined ? { version, name: entity } : options.after,
    validFrom,
    observedAt: options.observedAt ?? validFrom,
    source: 'cloudtrail',
    event: {
      name: 'AdminUpdateUserAttributes',
      eventId: nextEventId(),
      actorArn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      actorType: 'AssumedRole',
      sourceIp: '203.0.113.7',
      userAgent: 'aws-cli/2.15.0',
    },
  });
}

/**
 * What a capture does: read the entity's head, make the next record, append; on a version conflict
 * (another writer got there first) read the head again and retry.
 */
export async function appendAtHead(
  log: ChangeLog,
  entity: string,
  change: { after: JsonObject; validFrom: string; event: ChangeRecord['event'] },
): Promise<void> {
  for (;;) {
    const current = await log.head(POOL, entity);
    const next = makeRecord({
      poolId: POOL,
      entity,
      head: current
        ? { version: current.version, hash: current.hash, doc: current.after }
        : { version: 0, hash: null, doc: null },
      after: change.after,
      validFrom: change.validFrom,
      observedAt: change.validFrom,
      source: 'cloudtrail',
      ...(change.event === undefined ? {} : { event: change.event }),
    });
    try {
      expect(await log.append(next)).toBe('appended');
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
}
