import type { FoldedState } from '../changes/foldEntity.js';
import type { JsonObject } from '../model/json.js';
import type { EventEffect } from './eventEffects.js';
import type { CloudTrailRecord } from './eventSchema.js';

/** One event's view of one entity: what capture knows when it turns the event into records. */
export interface EventRead {
  kind: string;
  effect: EventEffect;
  record: CloudTrailRecord;
  /** CloudTrail's eventTime (canonical; CloudTrail gives whole seconds). */
  eventTime: string;
  /** The event's time as a validFrom: the end of its whole second, never after `observedAt`. */
  eventAt: string;
  /** The entity as recorded at the event's time (its records valid by then, in valid-time order). */
  before: FoldedState;
  /** Whether the chain holds any record at all. */
  known: boolean;
  /** The entity as re-read after the event: null when gone, or when another incarnation holds the name. */
  image: JsonObject | null;
  /**
   * What the event itself names of the entity, whatever became of it: a user's username and sub.
   * A user created and gone before any read still existed, under that name, from the event on.
   */
  identity?: JsonObject;
  observedAt: string;
}

/**
 * How far a Cognito date may lie outside CloudTrail's whole-second eventTime and still be that
 * call's: CloudTrail stamps the request's arrival (cut to the second), Cognito its write moments
 * later. A little slack before covers clock skew; none after, since Cognito dates often come in whole
 * seconds and the next second's date is the next second's call. A write that crosses into the next
 * second is then "not observed" (unknown) rather than attributed: never a guess.
 */
const BEFORE_EVENT_MS = 250;
const AFTER_EVENT_MS = 1_000;

/**
 * Whether a Cognito date is the event's own (`match`), from before it (the call moved no date), or
 * from after it (a later call's: the read shows what came after the event, not what it did).
 * Resolution: CloudTrail's seconds — two calls to one entity within one second cannot be told apart.
 */
export function dateAgainstEvent(date: string, eventTime: string): 'before' | 'match' | 'after' {
  const floor = Math.floor(Date.parse(eventTime) / 1000) * 1000;
  const at = Date.parse(date);
  if (at < floor - BEFORE_EVENT_MS) return 'before';
  return at >= floor + AFTER_EVENT_MS ? 'after' : 'match';
}
