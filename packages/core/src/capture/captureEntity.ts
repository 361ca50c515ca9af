import type { ChangeEvent, ChangeRecord } from '../changes/changeRecord.js';
import { nextRecords } from '../changes/nextRecords.js';
import { VersionConflictError } from '../errors.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog } from '../ports.js';
import { readLiveEntity } from '../restore/readLiveEntity.js';
import type { CaptureDeps } from './captureDeps.js';

/** Attempts at one entity when other writers keep taking its next version. */
const CONFLICT_ATTEMPTS = 5;

/** How one entity is captured: the event that named it (if any) and whether users carry MFA settings. */
export interface EntityCapture {
  change?: ChangeEvent;
  eventTime?: string;
  userMfa: boolean;
}

/** What capturing one entity did: records appended (perhaps cut short by a redelivery), or none. */
export interface EntityOutcome {
  appended: ChangeRecord[];
  duplicate: boolean;
}

/**
 * What capture does for one entity: read the chain's head, re-read the entity from Cognito, append
 * what `nextRecords` makes of it; when another writer took the version, read both again and retry.
 */
export async function captureEntity(
  deps: CaptureDeps,
  poolId: string,
  key: EntityKey,
  { change, eventTime, userMfa }: EntityCapture,
): Promise<EntityOutcome> {
  const arn = key === 'tags' ? String((await deps.reader.describeUserPool(poolId)).Arn ?? '') : undefined;
  for (let attempt = 1; ; attempt++) {
    const head = await deps.changeLog.head(poolId, key);
    const readAt = deps.clock.now().toISOString();
    const after = await readLiveEntity(
      { reader: deps.reader, poolId, arn, paced: (_operation, call) => call(), userMfa },
      key,
    );
    const verdict = nextRecords({
      poolId,
      entity: key,
      head,
      after,
      observedAt: deps.clock.now().toISOString(),
      readAt,
      source: 'cloudtrail',
      ...withSubject(change, key, after, head),
      ...(eventTime === undefined ? {} : { eventTime }),
    });
    if (verdict.kind !== 'records') return { appended: [], duplicate: false };
    try {
      return await appendAll(deps.changeLog, verdict.records);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }
}

/** One entity's records in order; a record of this event already there ends it (redelivery). */
async function appendAll(log: ChangeLog, records: readonly ChangeRecord[]): Promise<EntityOutcome> {
  const appended: ChangeRecord[] = [];
  for (const record of records) {
    if ((await log.append(record)) === 'duplicate') return { appended, duplicate: true };
    appended.push(record);
  }
  return { appended, duplicate: false };
}

/**
 * The event of a record, if any; a user event names its subject by `sub` too (from the user as read,
 * or as last recorded when deleted): the one id of a user that never changes hands.
 */
function withSubject(
  change: ChangeEvent | undefined,
  key: EntityKey,
  after: JsonObject | null,
  head: ChangeRecord | undefined,
): { event?: ChangeEvent } {
  if (change === undefined) return {};
  if (!key.startsWith('user:')) return { event: change };
  const attributes = (after ?? head?.after)?.attributes as Record<string, unknown> | undefined;
  return { event: typeof attributes?.sub === 'string' ? { ...change, subjectSub: attributes.sub } : change };
}
