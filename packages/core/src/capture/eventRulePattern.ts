import { InvalidInputError } from '../errors.js';
import { CATALOGUED_EVENT_NAMES } from './eventCatalogue.js';
import { CLOUDTRAIL_EVENT_SOURCE, DETAIL_TYPES, EVENTBRIDGE_SOURCE } from './eventSchema.js';

/** An EventBridge rule pattern that delivers Cognito CloudTrail events of the listed names. */
export interface EventRulePattern {
  source: string[];
  'detail-type': string[];
  detail: { eventSource: string[]; eventName: string[] };
}

/**
 * EventBridge's default quota on the size of one event pattern, in characters ("Event pattern size",
 * adjustable to 4,096). The whole catalogue may not fit in one pattern: see {@link eventRulePatterns}.
 */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/** The rule pattern for the given event names (default: every catalogued name), names sorted. */
export function eventRulePattern(names: readonly string[] = CATALOGUED_EVENT_NAMES): EventRulePattern {
  return {
    source: [EVENTBRIDGE_SOURCE],
    'detail-type': [...DETAIL_TYPES],
    detail: { eventSource: [CLOUDTRAIL_EVENT_SOURCE], eventName: [...names].sort() },
  };
}

const size = (pattern: EventRulePattern): number => JSON.stringify(pattern).length;

/**
 * The catalogue as few patterns as fit `maxChars` each (one rule per pattern, all with the same
 * target), names sorted and split in order. Infra deploys these; together they cover every name.
 */
export function eventRulePatterns(maxChars = EVENT_PATTERN_MAX_CHARS): EventRulePattern[] {
  const patterns: EventRulePattern[] = [];
  let names: string[] = [];
  for (const name of eventRulePattern().detail.eventName) {
    if (names.length > 0 && size(eventRulePattern([...names, name])) > maxChars) {
      patterns.push(eventRulePattern(names));
      names = [];
    }
    names.push(name);
    if (size(eventRulePattern(names)) > maxChars)
      throw new InvalidInputError(`an event pattern for ${name} alone is longer than ${maxChars} characters`);
  }
  if (names.length > 0) patterns.push(eventRulePattern(names));
  return patterns;
}
