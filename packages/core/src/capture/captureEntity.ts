import { toArray } from '../asyncIterables.js';
import type { ChangeEvent, ChangeRecord } from '../changes/changeRecord.js';
import { ABSENT, foldChanges } from '../changes/foldEntity.js';
import { nextRecords } from '../changes/nextRecords.js';
import { chainRecords } from '../changes/plannedChanges.js';
import { resolveValidFrom } from '../changes/validFrom.js';
import { readLiveEntity } from '../cognito/readLiveEntity.js';
import { VersionConflictError } from '../errors.js';
import { type EntityKey, parseEntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog } from '../ports.js';
import type { CaptureDeps } from './captureDeps.js';
import { eventChanges } from './eventChanges.js';
import { eventEffect } from './eventEffects.js';
import type { CloudTrailRecord } from './eventSchema.js';
import { awaitedFields, finishingChange } from './unfinishedCapture.js';

/** Attempts at one entity when other writers keep taking its next version. */
const CONFLICT_ATTEMPTS = 5;

/** The event capture turns into records of one entity, and whether users carry MFA settings. */
export interface EventCapture {
  change: ChangeEvent;
  record: CloudTrailRecord;
  /** CloudTrail's eventTime, canonical. */
  eventTime: string;
  userMfa: boolean;
}

/** An event to capture, or — with no event — a plain re-read recorded as a full read records it. */
export type EntityCapture = EventCapture | { userMfa: boolean };

/** What capturing one entity did: records appended (perhaps cut short by a redelivery), or none. */
export interface EntityOutcome {
  appended: ChangeRecord[];
  /** The entity already held this event's record: a redelivery. `ids`: the records it holds of it. */
  duplicate: boolean;
  ids: string[];
}

/**
 * What capture does for one entity: read its chain (strongly consistent), re-read the entity from
 * Cognito, and append what the event says of it (`eventChanges`) at the time each part became true —
 * in the past when the event arrived late. When another writer took the version, read both again.
 * A redelivery finds the event's record and writes nothing of the event again, only what a capture
 * cut short after that record left unwritten (`unfinishedCapture.ts`).
 */
export async function captureEntity(
  deps: CaptureDeps,
  poolId: string,
  key: EntityKey,
  capture: EntityCapture,
): Promise<EntityOutcome> {
  const arn = key === 'tags' ? String((await deps.reader.describeUserPool(poolId)).Arn ?? '') : undefined;
  if (!('change' in capture)) return observeEntity(deps, poolId, key, { arn, userMfa: capture.userMfa });
  for (let attempt = 1; ; attempt++) {
    const history = await toArray(deps.changeLog.entityHistory(poolId, key));
    const mine = history.filter((record) => record.event?.eventId === capture.change.eventId);
    const reread = () =>
      readLiveEntity(
        { reader: deps.reader, poolId, arn, paced: (_operation, call) => call(), userMfa: capture.userMfa },
        key,
      );
    const [claim] = mine;
    const redelivered = capture.change.eventId !== undefined && claim !== undefined;
    const records = redelivered
      ? await unfinishedRecords(deps, { poolId, key, history, claim }, reread)
      : eventRecords(deps, { poolId, key, history }, capture, await reread());
    const ids = mine.map((record) => record.id);
    if (redelivered && records.length === 0) return { appended: [], duplicate: true, ids };
    const outcome = await appendUnlessTaken(deps.changeLog, records, attempt);
    if (outcome !== undefined)
      return redelivered ? { appended: outcome.appended, duplicate: true, ids } : outcome;
  }
}

/** The records of what the event says of the entity as read (`eventChanges`), chained onto its history. */
function eventRecords(
  deps: CaptureDeps,
  chain: { poolId: string; key: EntityKey; history: ChangeRecord[] },
  capture: EventCapture,
  read: JsonObject | null,
): ChangeRecord[] {
  const { poolId, key, history } = chain;
  const { kind } = parseEntityKey(key);
  const observedAt = deps.clock.now().toISOString();
  const eventAt = resolveValidFrom({ observedAt, eventTime: capture.eventTime });
  const image = sameSubject(kind, read, capture.change.subjectSub) ? read : null;
  const planned = eventChanges({
    kind,
    effect: eventEffect(capture.change.name, kind),
    record: capture.record,
    eventTime: capture.eventTime,
    eventAt,
    before: foldChanges(
      kind,
      ABSENT,
      history.filter((record) => record.validFrom <= eventAt),
    ),
    known: history.length > 0,
    image,
    observedAt,
    ...identityOf(kind, key, capture.change.subjectSub),
  });
  const event = withSubject(capture.change, kind, image, history.at(-1));
  return chainRecords({ history, head: history.at(-1) }, planned, {
    poolId,
    entity: key,
    observedAt,
    source: 'cloudtrail',
    event,
  });
}

/**
 * The records that finish a capture of this event cut short after its record (see
 * `unfinishedCapture.ts`): the value read now of what that record left awaiting a read. None when
 * the capture finished, or the read cannot speak for it. Cognito is read only when something awaits.
 */
async function unfinishedRecords(
  deps: CaptureDeps,
  chain: { poolId: string; key: EntityKey; history: ChangeRecord[]; claim: ChangeRecord },
  reread: () => Promise<JsonObject | null>,
): Promise<ChangeRecord[]> {
  const { poolId, key, history, claim } = chain;
  const { kind } = parseEntityKey(key);
  const awaited = awaitedFields(kind, history, claim);
  if (awaited.length === 0) return [];
  const read = await reread();
  const image = sameSubject(kind, read, claim.event?.subjectSub) ? read : null;
  const observedAt = deps.clock.now().toISOString();
  const rest = finishingChange(kind, history, awaited, image, observedAt);
  if (rest === undefined) return [];
  return chainRecords({ history, head: history.at(-1) }, [rest], {
    poolId,
    entity: key,
    observedAt,
    source: 'cloudtrail',
  });
}

/** Appends the records; `undefined` when another writer took a version first and a new attempt may follow. */
async function appendUnlessTaken(
  log: ChangeLog,
  records: readonly ChangeRecord[],
  attempt: number,
): Promise<EntityOutcome | undefined> {
  try {
    return await appendAll(log, records);
  } catch (error) {
    if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    return undefined;
  }
}

/**
 * A re-read with no event: what changed since the chain's head, by the rule full reads follow
 * (`nextRecords`: never regress; dated by Cognito's dates, else by the read).
 */
async function observeEntity(
  deps: CaptureDeps,
  poolId: string,
  key: EntityKey,
  { arn, userMfa }: { arn: string | undefined; userMfa: boolean },
): Promise<EntityOutcome> {
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
    });
    if (verdict.kind !== 'records') return { appended: [], duplicate: false, ids: [] };
    const outcome = await appendUnlessTaken(deps.changeLog, verdict.records, attempt);
    if (outcome !== undefined) return outcome;
  }
}

/** One entity's records in order; a record of this event already there ends it (redelivery). */
export async function appendAll(log: ChangeLog, records: readonly ChangeRecord[]): Promise<EntityOutcome> {
  const appended: ChangeRecord[] = [];
  for (const record of records) {
    if ((await log.append(record)) === 'duplicate')
      return { appended, duplicate: true, ids: appended.map((each) => each.id) };
    appended.push(record);
  }
  return { appended, duplicate: false, ids: appended.map((each) => each.id) };
}

/** What the event names of a user whatever became of it: its username (the key) and its sub. */
function identityOf(kind: string, key: EntityKey, sub: string | undefined): { identity?: JsonObject } {
  const { id } = parseEntityKey(key);
  if (kind !== 'user' || sub === undefined || id === undefined) return {};
  return { identity: { username: id, attributes: { sub } } };
}

/** A user read under the event's username is the event's user only if it has the event's sub. */
function sameSubject(kind: string, read: JsonObject | null, sub: string | undefined): boolean {
  if (read === null || kind !== 'user' || sub === undefined) return true;
  return (read.attributes as Record<string, unknown> | undefined)?.sub === sub;
}

/**
 * The event of a record; a user event names its subject by `sub` too (from the event, the user as
 * read, or as last recorded): the one id of a user that never changes hands.
 */
function withSubject(
  change: ChangeEvent,
  kind: string,
  image: JsonObject | null,
  head: ChangeRecord | undefined,
): ChangeEvent {
  if (kind !== 'user' || change.subjectSub !== undefined) return change;
  const attributes = (image ?? head?.after)?.attributes as Record<string, unknown> | undefined;
  return typeof attributes?.sub === 'string' ? { ...change, subjectSub: attributes.sub } : change;
}
