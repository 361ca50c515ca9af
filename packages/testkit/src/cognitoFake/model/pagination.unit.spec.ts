import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedCollection } from './keyedCollection.js';
import { pageOf } from './pagination.js';

describe('fake pagination', () => {
  it('walks every key exactly once, in order, for any page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (keys, pageSize) => {
          const collection = new KeyedCollection<string>();
          for (const key of keys) collection.set(key, key);
          const seen: string[] = [];
          let token: string | undefined;
          let pages = 0;
          do {
            const page = pageOf(collection, { scope: 's', limit: undefined, token, pageSize });
            expect(page.items.length).toBeLessThanOrEqual(pageSize);
            seen.push(...page.items);
            token = page.token;
            pages += 1;
          } while (token !== undefined);
          expect(seen).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
          expect(pages).toBe(Math.max(1, Math.ceil(keys.length / pageSize)));
        },
      ),
    );
  });

  it('keeps its place when items are added or removed between pages', () => {
    const collection = new KeyedCollection<string>();
    for (const key of ['a', 'b', 'c', 'd', 'e']) collection.set(key, key);
    const first = pageOf(collection, { scope: 's', limit: 2, token: undefined, pageSize: 60 });
    collection.delete('c');
    collection.set('aa', 'aa');
    collection.set('f', 'f');
    const second = pageOf(collection, { scope: 's', limit: 2, token: first.token, pageSize: 60 });
    expect([first.items, second.items]).toEqual([
      ['a', 'b'],
      ['d', 'e'],
    ]);
  });
});
