import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import {
  compareKeys,
  compareUtf8,
  entityKey,
  entityKeyFromPointer,
  entityPointer,
  parseEntityKey,
} from './entityKey.js';

describe('entity keys', () => {
  it('names singletons and collection members', () => {
    expect(entityKey('pool')).toBe('pool');
    expect(entityKey('user', 'alice')).toBe('user:alice');
    expect(parseEntityKey('client:abc:def')).toEqual({ kind: 'client', id: 'abc:def' });
  });

  it('escapes usernames for JSON pointers and reads them back', () => {
    expect(entityPointer('user:ops/dave')).toBe('/users/ops~1dave');
    expect(entityPointer('user:a~b')).toBe('/users/a~0b');
    expect(entityPointer('ui:ALL')).toBe('/uiCustomization/ALL');
    expect(entityPointer('riskConfiguration')).toBe('/riskConfiguration');
    expect(entityKeyFromPointer('/users/ops~1dave')).toBe('user:ops/dave');
  });

  it('round-trips any username through key and pointer', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (username) => {
        const key = entityKey('user', username);
        expect(parseEntityKey(key).id).toBe(username);
        expect(entityKeyFromPointer(entityPointer(key))).toBe(key);
      }),
    );
  });

  it('refuses what is not an entity key', () => {
    expect(() => parseEntityKey('user:')).toThrow(InvalidInputError);
    expect(() => parseEntityKey('robot:1')).toThrow(/not an entity key/);
    expect(() => entityKeyFromPointer('/nothing/here')).toThrow(InvalidInputError);
  });

  it('orders keys by UTF-8 bytes, as S3 and DynamoDB do, not by UTF-16 code units', () => {
    // U+FF5E (fullwidth tilde) is 3 UTF-8 bytes starting 0xEF; 😀 (U+1F600) is 4 starting 0xF0.
    expect('user:😀' < 'user:～').toBe(true);
    expect(compareKeys('user:😀', 'user:～')).toBe(1);
    expect(compareKeys('user:～', 'user:😀')).toBe(-1);
    expect(compareKeys('user:a', 'user:a')).toBe(0);
    expect(compareKeys('user:a', 'user:ab')).toBe(-1);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      }),
      { numRuns: 2000 },
    );
  });
});
