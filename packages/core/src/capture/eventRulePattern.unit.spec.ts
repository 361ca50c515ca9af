import { describe, expect, it } from 'vitest';
import { CATALOGUED_EVENT_NAMES } from './eventCatalogue.js';
import { EVENT_PATTERN_MAX_CHARS, eventRulePattern, eventRulePatterns } from './eventRulePattern.js';

describe('eventRulePattern', () => {
  it('matches every catalogued name, sorted, from Cognito through CloudTrail', () => {
    const pattern = eventRulePattern();
    expect(pattern).toEqual({
      source: ['aws.cognito-idp'],
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'],
      detail: { eventSource: ['cognito-idp.amazonaws.com'], eventName: [...CATALOGUED_EVENT_NAMES] },
    });
    expect(pattern.detail.eventName).toEqual([...pattern.detail.eventName].sort());
    expect(new Set(pattern.detail.eventName).size).toBe(pattern.detail.eventName.length);
  });

  it('splits the catalogue into patterns that each fit EventBridge’s default size quota', () => {
    const patterns = eventRulePatterns();
    for (const pattern of patterns)
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    expect(patterns.flatMap((pattern) => pattern.detail.eventName)).toEqual([...CATALOGUED_EVENT_NAMES]);
    for (const pattern of patterns) expect(pattern.source).toEqual(['aws.cognito-idp']);
  });

  it('uses one pattern when the quota allows, and refuses a quota no name fits', () => {
    expect(eventRulePatterns(100_000)).toEqual([eventRulePattern()]);
    expect(eventRulePatterns(600).length).toBeGreaterThan(2);
    expect(() => eventRulePatterns(100)).toThrow(/longer than 100 characters/);
  });

  it('with pools, delivers calls on those pools and calls that name no pool, still within the quota', () => {
    const pools = ['eu-west-1_bbbbbbbbb', 'eu-west-1_aaaaaaaaa'];
    const [first] = eventRulePatterns(EVENT_PATTERN_MAX_CHARS, { pools });
    expect(first?.detail.$or).toEqual([
      { requestParameters: { userPoolId: ['eu-west-1_aaaaaaaaa', 'eu-west-1_bbbbbbbbb'] } },
      { requestParameters: { userPoolId: [{ exists: false }] } },
    ]);
    const manyPools = Array.from({ length: 20 }, (_, i) => `eu-west-1_${String(i).padStart(9, '0')}`);
    const patterns = eventRulePatterns(EVENT_PATTERN_MAX_CHARS, { pools: manyPools });
    for (const pattern of patterns)
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    expect(patterns.flatMap((pattern) => pattern.detail.eventName)).toEqual([...CATALOGUED_EVENT_NAMES]);
    expect(() => eventRulePattern(CATALOGUED_EVENT_NAMES, [])).toThrow(/no pools/);
  });
});
