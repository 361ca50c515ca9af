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
 * One change to one entity. Records of an entity form a chain: `version` counts up from 1 and
 * `prevHash` is the previous record's `hash`, so an edited, dropped or reordered record is detectable.
 * `after` is the whole entity after the change (`null` once deleted); `patch` is the RFC 6902 diff
 * from the previous after-image, kept for audit and verified against `after`.
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
  patch: Operation[];
  after: JsonObject | null;
  prevHash: string | null;
  hash: string;
}
