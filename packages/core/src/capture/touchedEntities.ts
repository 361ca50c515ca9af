import { type EntityKey, entityKey } from '../model/entityKey.js';
import { POOL_ARN_PATTERN, POOL_ID_PATTERN } from '../model/poolId.js';
import { catalogueEntry, type RecordPath, SUB_PATHS, type Touch } from './eventCatalogue.js';
import type { CloudTrailRecord, CognitoEvent } from './eventSchema.js';
import { firstIdAt, type IdLookup, idAt } from './recordFields.js';
import { uncapturedReason } from './uncapturedEvents.js';

/** A touch with its id read from the event: what capture re-reads. */
export type ResolvedTouch =
  /** Re-read this entity (singletons, and keyed entities whose id the event names). */
  | { kind: 'entity'; key: EntityKey }
  /** Re-read the user with this sub (capture finds the username, see `Touch`). */
  | { kind: 'userBySub'; sub: string }
  /** Re-read every user the head state lists as a member of this (deleted) group. */
  | { kind: 'groupMembers'; group: string }
  /** Re-read every UI customization the head state knows. */
  | { kind: 'everyUi' }
  /** Reconcile the whole pool; `end`: it is deleted; `afterImportJob`: once that job is over. */
  | { kind: 'wholePool'; end: boolean; afterImportJob?: string };

/**
 * A touch whose id the event does not give in clear (e.g. a hosted-UI sign-up logs no sub). Capture
 * knows only that something of this kind changed: the next reconcile scan finds it, never a guess.
 */
export interface UnresolvedTouch {
  touch: Touch;
  reason: string;
}

interface Touches {
  touches: ResolvedTouch[];
  unresolved: UnresolvedTouch[];
}

/**
 * What one event changed: the pool and the entities to re-read. Public calls (SignUp, ConfirmSignUp…)
 * may name only their app client: then `poolOfClient` is that client id and capture looks up which of
 * its pools has it. `ignored`: nothing to re-read, and why.
 */
export type TouchedEntities =
  | (Touches & { poolId: string })
  | (Touches & { poolOfClient: string })
  | { ignored: string };

/** A user's sub is a UUID; anything else (a username that slipped in) is refused. */
const SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Admin calls name the pool; hosted-UI requests carry it in additionalEventData; CreateUserPool answers it. */
const POOL_ID_PATHS: readonly RecordPath[] = [
  'requestParameters.userPoolId',
  'additionalEventData.userPoolId',
  'responseElements.userPool.id',
];
/** Public calls take a ClientId instead of a pool id; hosted-UI requests a `client_id` parameter. */
const CLIENT_ID_PATHS: readonly RecordPath[] = [
  'requestParameters.clientId',
  'additionalEventData.requestParameters.client_id',
];

/** What an EventBridge-delivered Cognito event changed. See {@link recordTouches}. */
export function touchedEntities(event: CognitoEvent): TouchedEntities {
  return recordTouches(event.detail);
}

/**
 * What one CloudTrail record changed (also for records read from a trail's log files). Failed calls,
 * read-only ones and names outside the catalogue are ignored with the reason.
 */
export function recordTouches(record: CloudTrailRecord): TouchedEntities {
  const name = record.eventName;
  if (record.errorCode !== undefined && record.errorCode !== '')
    return { ignored: `${name} failed (${record.errorCode}), so it changed nothing` };
  if (record.readOnly === true) return { ignored: `${name} is read-only` };
  const touches = catalogueEntry(name);
  if (touches === undefined) {
    const why = uncapturedReason(name);
    return {
      ignored:
        why === undefined
          ? `${name} is not in the event catalogue`
          : `${name} changes nothing the pool state holds: ${why}`,
    };
  }
  const resolved = resolveAll(record, touches);
  const poolId = poolIdOf(record);
  if ('id' in poolId) return { poolId: poolId.id, ...resolved };
  const client = firstIdAt(record, CLIENT_ID_PATHS);
  if ('id' in client) return { poolOfClient: client.id, ...resolved };
  return { ignored: `${name} names no user pool and no app client (${poolId.missing}; ${client.missing})` };
}

export function poolIdOf(record: CloudTrailRecord): IdLookup {
  const direct = firstIdAt(record, POOL_ID_PATHS, POOL_ID_PATTERN);
  if ('id' in direct) return direct;
  // Tag calls name the pool by ARN.
  const arn = idAt(record, 'requestParameters.resourceArn', POOL_ARN_PATTERN);
  if ('id' in arn) return { id: POOL_ARN_PATTERN.exec(arn.id)?.[1] ?? arn.id };
  return { missing: `${direct.missing}; ${arn.missing}` };
}

function resolveAll(record: CloudTrailRecord, touches: readonly Touch[]): Touches {
  const result: Touches = { touches: [], unresolved: [] };
  const seen = new Set<string>();
  for (const touch of touches) {
    const resolved = resolveTouch(record, touch);
    if ('missing' in resolved) {
      result.unresolved.push({ touch, reason: resolved.missing });
      continue;
    }
    const identity = JSON.stringify(resolved);
    if (seen.has(identity)) continue;
    seen.add(identity);
    result.touches.push(resolved);
  }
  return result;
}

type Resolution = ResolvedTouch | { missing: string };

function resolveTouch(record: CloudTrailRecord, touch: Touch): Resolution {
  switch (touch.kind) {
    case 'user': {
      const sub = firstIdAt(record, SUB_PATHS, SUB);
      return 'id' in sub ? { kind: 'userBySub', sub: sub.id } : { missing: `no user sub: ${sub.missing}` };
    }
    case 'group':
    case 'client':
    case 'idp':
    case 'resourceServer':
      return withId(idAt(record, touch.from), (id) => ({ kind: 'entity', key: entityKey(touch.kind, id) }));
    case 'ui':
      return resolveUi(record, touch);
    case 'groupMembers':
      return withId(idAt(record, touch.from), (group) => ({ kind: 'groupMembers', group }));
    case 'everyUi':
      return { kind: 'everyUi' };
    case 'wholePool':
      if (touch.afterImportJob === undefined) return { kind: 'wholePool', end: touch.end === true };
      return withId(idAt(record, touch.afterImportJob), (job) => ({
        kind: 'wholePool',
        end: false,
        afterImportJob: job,
      }));
    default:
      return { kind: 'entity', key: entityKey(touch.kind) };
  }
}

const withId = (lookup: IdLookup, make: (id: string) => ResolvedTouch): Resolution =>
  'id' in lookup ? make(lookup.id) : lookup;

function resolveUi(record: CloudTrailRecord, touch: Extract<Touch, { kind: 'ui' }>): Resolution {
  const lookup = idAt(record, touch.from);
  // Only a truly absent client id means the pool default; a masked one is not a guess to make.
  if ('missing' in lookup && lookup.absent === true && touch.absent !== undefined)
    return { kind: 'entity', key: entityKey('ui', touch.absent) };
  return withId(lookup, (id) => ({ kind: 'entity', key: entityKey('ui', id) }));
}
