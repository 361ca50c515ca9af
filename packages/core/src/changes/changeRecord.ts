import type { Operation } from 'fast-json-patch';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';

export const CHANGE_SOURCES = ['cloudtrail', 'reconcile', 'import', 'restore'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/** The API call that caused a change, as CloudTrail reported it. Never holds request secrets. */
export interface ChangeEvent {
  name: string;
  eventId?: string;
  /** When CloudTrail says the call happened (canonical). */
  eventTime?: string;
  /** `AwsApiCall`, or `AwsServiceEvent` for the hosted UI / managed login pages. */
  eventType?: string;
  actorArn?: string;
  actorType?: string;
  /** The caller's principal id (an IAM role session, `Anonymous` for public calls). */
  actorPrincipal?: string;
  /** The `sub` of the user the event is about, for user events: usernames change hands, subs do not. */
  subjectSub?: string;
  sourceIp?: string;
  userAgent?: string;
}

/**
 * What one record changes, at its `validFrom`, in a form that can be applied in valid-time order
 * whatever order records were learnt in (see `entityFields.ts`): the whole entity (created with a
 * document, or deleted: `null`), then fields set, removed, or changed to a value nobody observed.
 * Fields are JSON pointers into the entity (`/enabled`, `/attributes/email`, `/groups/admins`).
 */
export interface EntityChange {
  whole?: JsonObject | null;
  set?: JsonObject;
  unset?: string[];
  /** Changed at validFrom to a value not observed (overwritten before any read): never guessed. */
  unknown?: string[];
}

/** Who made a change when no CloudTrail event did: the operator and run of a restore, a reconcile run. */
export interface ChangeCause {
  /** The restore that wrote it (its id) and the caller identity the CLI ran as. */
  restoreId?: string;
  operatorArn?: string;
  /** The access key the operator's calls were signed with: what CloudTrail shows for them. */
  operatorAccessKeyId?: string;
  /** The reconcile run that found it (drift of no known cause). */
  reconcileRun?: string;
}

/**
 * One change to one entity. Records of an entity form a chain in the order they were learnt:
 * `version` counts up from 1 and `prevHash` is the previous record's `hash`, so an edited, dropped or
 * reordered record is detectable — the audit order. Replay orders an entity's records by *valid*
 * time instead (`validFrom`, see `foldEntity.ts`): an event learnt late changes the past, not the
 * present. `change` is what the record changes at `validFrom`; records written before it existed
 * have none and mean "the whole entity became `after`". `after` is the entity as the chain knows it
 * now — every record up to this version folded in valid-time order (`null`: deleted) — and `patch`
 * the RFC 6902 diff from the previous record's `after`, kept for audit and verified against it.
 */
export interface ChangeRecord {
  id: string;
  poolId: string;
  entity: EntityKey;
  version: number;
  validFrom: string;
  observedAt: string;
  source: ChangeSource;
  event?: ChangeEvent;
  cause?: ChangeCause;
  change?: EntityChange;
  patch: Operation[];
  after: JsonObject | null;
  prevHash: string | null;
  hash: string;
}
