import { InvalidInputError } from '@cognito-rewind/core';
import { describe, expect, it } from 'vitest';
import { parseEndpoint, parsePoolId, regionFor } from './options.js';

describe('CLI options', () => {
  it('takes the region from the pool id first, then AWS_REGION, then us-east-1', () => {
    expect(regionFor('eu-west-1_AbC123', undefined, { AWS_REGION: 'us-west-2' })).toBe('eu-west-1');
    expect(regionFor('local_AbC123', undefined, { AWS_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(regionFor('local_AbC123', undefined, {})).toBe('us-east-1');
    expect(regionFor('eu-west-1_AbC123', 'ap-south-2', {})).toBe('ap-south-2');
    expect(() => regionFor('eu-west-1_AbC123', 'not a region!', {})).toThrow(InvalidInputError);
  });

  it('accepts pool ids and http(s) endpoints only', () => {
    expect(parsePoolId('us-east-1_AbCdEf123')).toBe('us-east-1_AbCdEf123');
    expect(() => parsePoolId('../../etc')).toThrow(/not a user pool id/);
    expect(parseEndpoint('http://127.0.0.1:9229')).toBe('http://127.0.0.1:9229');
    expect(() => parseEndpoint('ftp://example.com')).toThrow(/not an http\(s\) URL/);
  });
});
