import type { EntityKey } from '../model/entityKey.js';

// What the event trail port (`EventTrail` in ports.ts) stores and answers.

/** Who made a call, as CloudTrail's `userIdentity` names them. */
export interface TrailCaller {
  /** The caller's ARN (an IAM user, an assumed-role session); absent for anonymous public calls. */
  arn?: string;
  /** `IAMUser`, `AssumedRole`, `Unknown` (public calls), … */
  type?: string;
  /** The principal id (`AROA…:session`, `Anonymous`). */
  principalId?: string;
  /** The access key the request was signed with, where CloudTrail gives one. */
  accessKeyId?: string;
}

/**
 * What capturing an event did: the change records it caused (`changed`), nothing new (`unchanged`:
 * the log already held it, or the call changed nothing), what only a full read can settle
 * (`reconcile`), a call Cognito refused (`failed`), or an event that changes nothing the model holds
 * (`ignored`: read-only, uncatalogued).
 */
export type TrailOutcome = 'changed' | 'unchanged' | 'reconcile' | 'failed' | 'ignored';

/**
 * One CloudTrail event as capture received it, successful or failed: the audit trail. Kept once per
 * `eventId`. Never holds request parameters (CloudTrail masks the private ones; the rest is the
 * change records' business) and never a secret.
 */
export interface TrailEntry {
  eventId: string;
  poolId: string;
  /** When the call happened (CloudTrail's `eventTime`, canonical). */
  eventTime: string;
  /** When capture received it (canonical): `receivedAt − eventTime` is the delivery delay. */
  receivedAt: string;
  eventName: string;
  /** `AwsApiCall`, or `AwsServiceEvent` for the hosted UI / managed login. */
  eventType: string;
  caller: TrailCaller;
  /** Personal data: forgotten after the retention period (`forgetPersonalData`). */
  sourceIp?: string;
  /** Personal data, like `sourceIp`. */
  userAgent?: string;
  /** Cognito's refusal (`NotAuthorizedException`, …): the call changed nothing. */
  errorCode?: string;
  /** The entities the event is about, as far as capture could name them (sorted, unique). */
  entities: EntityKey[];
  /** The `sub` of the user the event is about, for user events. */
  subjectSub?: string;
  outcome: TrailOutcome;
  /** The ids of the change records the event caused (`changed`). */
  changeIds: string[];
  /** Why it changed nothing, or what was left to reconcile (no personal data). */
  reason?: string;
}

/** Filters of a trail query; at most one of `caller`, `eventName`, `entity` (each is one index). */
export interface TrailQuery {
  /** An ARN (or a principal id, for callers without one), matched exactly. */
  caller?: string;
  eventName?: string;
  entity?: EntityKey;
  /** Inclusive bounds on `eventTime` (canonical times). */
  since?: string;
  until?: string;
  /** Page size. @default 100 */
  limit?: number;
  /** Where the previous page ended (its `cursor`). */
  cursor?: string;
}

/** One page of a trail query, in `eventTime` order (then event id); `cursor` is absent on the last. */
export interface TrailPage {
  entries: TrailEntry[];
  cursor?: string;
}
