import { InvalidInputError } from '../errors.js';
import { CATALOGUED_EVENT_NAMES } from './eventCatalogue.js';
import { CLOUDTRAIL_EVENT_SOURCE, DETAIL_TYPES, EVENTBRIDGE_SOURCE } from './eventSchema.js';

/** An EventBridge rule pattern that delivers Cognito CloudTrail events of the listed names. */
export interface EventRulePattern {
  source: string[];
  'detail-type': string[];
  detail: {
    eventSource: string[];
    eventName: string[];
    /** With pools: calls naming one of them, or naming no pool (public calls, hosted UI). */
    $or?: [
      { requestParameters: { userPoolId: string[] } },
      { requestParameters: { userPoolId: [{ exists: false }] } },
    ];
  };
}

/**
 * EventBridge's default quota on the size of one event pattern, in characters ("Event pattern size",
 * adjustable to 4,096). The whole catalogue may not fit in one pattern: see {@link eventRulePatterns}.
 */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/**
 * The rule pattern for the given event names (default: every catalogued name), names sorted. Given
 * `pools`, it delivers only calls on those pools — and every call that names no pool in its
 * parameters (SignUp and the other public calls name an app client; hosted-UI events carry theirs in
 * `additionalEventData`), which capture resolves itself: a deployment in an account with other pools
 * then never re-reads, or fails to read, a pool it does not keep.
 */
export function eventRulePattern(
  names: readonly string[] = CATALOGUED_EVENT_NAMES,
  pools?: readonly string[],
): EventRulePattern {
  const detail: EventRulePattern['detail'] = {
    eventSource: [CLOUDTRAIL_EVENT_SOURCE],
    eventName: [...names].sort(),
  };
  if (pools !== undefined) {
    if (pools.length === 0)
      throw new InvalidInputError('an event pattern for no pools would deliver nothing');
    detail.$or = [
      { requestParameters: { userPoolId: [...pools].sort() } },
      { requestParameters: { userPoolId: [{ exists: false }] } },
    ];
  }
  return { source: [EVENTBRIDGE_SOURCE], 'detail-type': [...DETAIL_TYPES], detail };
}

const size = (pattern: EventRulePattern): number => JSON.stringify(pattern).length;

/**
 * The catalogue as few patterns as fit `maxChars` each (one rule per pattern, all with the same
 * target), names sorted and split in order. Infra deploys these; together they cover every name.
 */
export function eventRulePatterns(
  maxChars = EVENT_PATTERN_MAX_CHARS,
  options: { readonly pools?: readonly string[] } = {},
): EventRulePattern[] {
  const pattern = (names: readonly string[]) => eventRulePattern(names, options.pools);
  const patterns: EventRulePattern[] = [];
  let names: string[] = [];
  for (const name of eventRulePattern().detail.eventName) {
    if (names.length > 0 && size(pattern([...names, name])) > maxChars) {
      patterns.push(pattern(names));
      names = [];
    }
    names.push(name);
    if (size(pattern(names)) > maxChars)
      throw new InvalidInputError(`an event pattern for ${name} alone is longer than ${maxChars} characters`);
  }
  if (names.length > 0) patterns.push(pattern(names));
  return patterns;
}
