import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeHashes, encodeHashes, keyHash, SeenSet } from './seenSet.js';

it('round-trips hashes through checkpoint text and answers membership exactly for what it holds', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string(), { maxLength: 80 }),
      fc.array(fc.string(), { maxLength: 20 }),
      (held, others) => {
        const keys = held.map((name) => `user:${name}`);
        const set = new SeenSet([decodeHashes(encodeHashes(keys.map(keyHash)))]);
        for (const key of keys) expect(set.has(key)).toBe(true);
        for (const other of others.map((name) => `user:${name}`))
          if (!keys.includes(other)) expect(set.has(other)).toBe(false);
      },
    ),
  );
  expect(Number.isSafeInteger(keyHash('user:alice'))).toBe(true);
  expect(decodeHashes(encodeHashes([]))).toHaveLength(0);
});
