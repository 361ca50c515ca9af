import { createHash } from 'node:crypto';
import type { BlobStore } from '@cognito-rewind/core';
import { BlobExistsError, BlobNotFoundError, compareUtf8, readAllBytes, toArray } from '@cognito-rewind/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Removes whatever the store created (temp directory, bucket contents). */
  cleanup(): Promise<void>;
  /**
   * Whether the store decides concurrent puts of one key atomically, so exactly one of them wins. A
   * store that can only check before it writes (S3 emulators that ignore `If-None-Match`) lets several
   * win: then the suite still demands that every loser gets `BlobExistsError` and that the stored body
   * is one of the bodies, whole.
   * @default true
   */
  exclusiveCreate?: boolean;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Deterministic, non-repeating-looking bytes, so a shifted or dropped chunk changes the hash. */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const digest = (bytes: Uint8Array) => ({
  bytes: bytes.byteLength,
  sha256: createHash('sha256').update(bytes).digest('hex'),
});

async function* streamOf(chunks: Uint8Array[], failAfter?: number): AsyncGenerator<Uint8Array> {
  for (const [index, chunk] of chunks.entries()) {
    if (index === failAfter) throw new Error('source failed mid-stream');
    await Promise.resolve();
    yield chunk;
  }
}

const MiB = 1024 * 1024;

/** Runs `work` on every item, at most `limit` at a time (workers share one iterator). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>) {
  const queue = items.values();
  const worker = async () => {
    for (const item of queue) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The behaviour every `BlobStore` adapter shares, written once (emmett style) and run against the
 * in-memory reference, the directory store and S3.
 */
export function blobStoreContract(name: string, makeStore: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture | undefined;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('round-trips a byte array, including an empty one', async () => {
      const body = pattern(4096, 7);
      expect(await store.put('snapshots/2024/01/01/a.ndjson.gz', body)).toEqual({
        key: 'snapshots/2024/01/01/a.ndjson.gz',
        bytes: 4096,
      });
      expect(digest(await readAllBytes(await store.get('snapshots/2024/01/01/a.ndjson.gz')))).toEqual(
        digest(body),
      );
      expect(await store.put('empty', new Uint8Array(0))).toEqual({ key: 'empty', bytes: 0 });
      expect((await readAllBytes(await store.get('empty'))).byteLength).toBe(0);
    });

    it('round-trips a streamed multi-chunk body larger than 1 MiB', async () => {
      const chunks = Array.from({ length: 17 }, (_, i) => pattern(65_536 + 13 * i, i + 1));
      const whole = Buffer.concat(chunks);
      expect(whole.byteLength).toBeGreaterThan(1024 * 1024);
      const info = await store.put('deltas/big.bin', streamOf(chunks));
      expect(info).toEqual({ key: 'deltas/big.bin', bytes: whole.byteLength });
      expect(digest(await readAllBytes(await store.get('deltas/big.bin')))).toEqual(digest(whole));
      expect(await toArray(store.list('deltas/'))).toEqual([
        { key: 'deltas/big.bin', bytes: whole.byteLength },
      ]);
    });

    it('never overwrites: a second put fails with BlobExistsError and the original stays', async () => {
      await store.put('manifest.json', text('first'));
      await expect(store.put('manifest.json', text('second, longer'))).rejects.toBeInstanceOf(
        BlobExistsError,
      );
      await expect(store.put('manifest.json', streamOf([text('third')]))).rejects.toBeInstanceOf(
        BlobExistsError,
      );
      expect(new TextDecoder().decode(await readAllBytes(await store.get('manifest.json')))).toBe('first');
      expect(await toArray(store.list('manifest'))).toEqual([{ key: 'manifest.json', bytes: 5 }]);
    });

    it('fails with BlobNotFoundError for a missing key and for a prefix that is only a folder', async () => {
      await store.put('dir/inner', text('x'));
      await expect(store.get('missing')).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.get('dir')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('tells whether a blob exists', async () => {
      await store.put('dir/inner', text('x'));
      expect(await store.exists('dir/inner')).toBe(true);
      expect(await store.exists('dir/inne')).toBe(false);
      expect(await store.exists('dir')).toBe(false);
      expect(await store.exists('other')).toBe(false);
    });

    it('lists only keys under the prefix, in ascending order, with their sizes', async () => {
      const keys = ['b', 'a/bc/1', 'a/b/2', 'a/a', 'a/b.x', 'a/b/1', 'a/b/10/deep'];
      for (const [i, key] of keys.entries()) await store.put(key, pattern(i + 1, i + 1));
      const size = (key: string) => keys.indexOf(key) + 1;
      const listed = async (prefix: string) => toArray(store.list(prefix));
      expect(await listed('a/b/')).toEqual(
        ['a/b/1', 'a/b/10/deep', 'a/b/2'].map((key) => ({ key, bytes: size(key) })),
      );
      expect((await listed('a/b')).map((b) => b.key)).toEqual([
        'a/b.x',
        'a/b/1',
        'a/b/10/deep',
        'a/b/2',
        'a/bc/1',
      ]);
      expect((await listed('')).map((b) => b.key)).toEqual([...keys].sort());
      expect((await listed('a/b/1')).map((b) => b.key)).toEqual(['a/b/1', 'a/b/10/deep']);
      expect(await listed('zzz')).toEqual([]);
      expect(await listed('a/bc/1/')).toEqual([]);
    });

    it('lists more than 1000 keys (every page) in order', async () => {
      const keys = Array.from({ length: 1001 }, (_, i) => `bulk/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50)
        await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, text(key.slice(5)))));
      const listed = await toArray(store.list('bulk/'));
      expect(listed.map((b) => b.key)).toEqual(keys);
      expect(listed.every((b) => b.bytes === 4)).toBe(true);
      expect((await toArray(store.list('bulk/09'))).length).toBe(100);
    });

    it('keeps unicode keys exactly', async () => {
      const keys = ['users/ünïcødé/ä', 'users/ünïcødé/日本語', 'users/ünïcødé/ε~:x', 'users/😀/emoji'];
      for (const key of keys) await store.put(key, text(key));
      for (const key of keys)
        expect(new TextDecoder().decode(await readAllBytes(await store.get(key)))).toBe(key);
      expect((await toArray(store.list('users/'))).map((b) => b.key)).toEqual([...keys].sort());
      expect((await toArray(store.list('users/ünïcødé/'))).length).toBe(3);
    });

    it('leaves no blob behind when the body fails mid-stream, and the key stays free', async () => {
      const chunks = Array.from({ length: 4 }, (_, i) => pattern(100_000, i + 1));
      await expect(store.put('snapshots/broken.gz', streamOf(chunks, 2))).rejects.toThrow(
        'source failed mid-stream',
      );
      expect(await store.exists('snapshots/broken.gz')).toBe(false);
      expect(await toArray(store.list(''))).toEqual([]);
      await store.put('snapshots/broken.gz', text('whole'));
      expect(new TextDecoder().decode(await readAllBytes(await store.get('snapshots/broken.gz')))).toBe(
        'whole',
      );
    });

    it('leaves nothing behind when a body over 10 MiB fails after a multipart upload began', async () => {
      // 11 MiB arrive before the failure: with S3's 5 MiB parts, two parts are up or on their way.
      const chunk = pattern(MiB, 11);
      const chunks = Array.from({ length: 12 }, () => chunk);
      await expect(store.put('snapshots/huge.gz', streamOf(chunks, 11))).rejects.toThrow(
        'source failed mid-stream',
      );
      expect(await store.exists('snapshots/huge.gz')).toBe(false);
      expect(await toArray(store.list(''))).toEqual([]);
      await expect(store.get('snapshots/huge.gz')).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await store.put('snapshots/huge.gz', text('whole'))).toEqual({
        key: 'snapshots/huge.gz',
        bytes: 5,
      });
    });

    it('keeps keys with URL-special characters and characters above U+FFFF exactly', async () => {
      // Each is its own key: a store that decodes, double-encodes or folds any of them lists it wrongly
      // or finds one key's body under another's.
      const keys = [
        'odd/a+b',
        'odd/a b',
        'odd/a%20b',
        'odd/a%2Bb',
        'odd/100%',
        'odd/%2F',
        'odd/what?x=1&y',
        'odd/#frag',
        'odd/😀',
        'odd/𝄞 clef',
        'odd/～',
        'odd/～～/😀/deep',
      ];
      for (const key of keys) await store.put(key, text(key));
      for (const key of keys) {
        expect(await store.exists(key)).toBe(true);
        expect(new TextDecoder().decode(await readAllBytes(await store.get(key)))).toBe(key);
      }
      const listed = async (prefix: string) => (await toArray(store.list(prefix))).map((b) => b.key);
      expect(await listed('odd/')).toEqual([...keys].sort(compareUtf8));
      expect(await listed('odd/a')).toEqual(['odd/a b', 'odd/a%20b', 'odd/a%2Bb', 'odd/a+b']);
      expect(await listed('odd/～')).toEqual(['odd/～', 'odd/～～/😀/deep']);
      expect(await listed('odd/😀')).toEqual(['odd/😀']);
      expect(await listed('odd/%')).toEqual(['odd/%2F']);
      for (const near of ['odd/a', 'odd/a%2bb', 'odd/100', 'odd/what', 'odd/%252F', 'odd/～～'])
        expect(await store.exists(near)).toBe(false);
    });

    it('lists more than 1000 keys in UTF-8 byte order, not UTF-16 order', async () => {
      // ～ (U+FF5E) sorts after 😀 and 𝄞 in UTF-16 (surrogates 0xD800–0xDFFF) but before them in UTF-8.
      const heads = ['a', '～', '😀', 'z', 'é', '𝄞', '～x', '😀/'];
      const keys = Array.from(
        { length: 1100 },
        (_, i) => `order/${heads[i % heads.length]}${String(i).padStart(4, '0')}`,
      );
      const expected = [...keys].sort(compareUtf8);
      expect(expected).not.toEqual([...keys].sort());
      await eachLimited(keys, 32, (key) => store.put(key, pattern(key.length % 5, key.length)));
      const listed = await toArray(store.list('order/'));
      expect(listed.map((b) => b.key)).toEqual(expected);
      expect(listed.every((b) => b.bytes === b.key.length % 5)).toBe(true);
      const tildes = await toArray(store.list('order/～'));
      expect(tildes.map((b) => b.key)).toEqual(expected.filter((key) => key.startsWith('order/～')));
    });

    it('lets concurrent puts of one key store exactly one body whole', async () => {
      // One length for all: s3rver truncates and rewrites the file in place for each put, so unequal
      // racing bodies could leave a longer one's tail behind the shorter one. Real S3 never mixes bodies.
      const bodies = Array.from({ length: 8 }, (_, i) => pattern(4096, 100 + i));
      const results = await Promise.allSettled(
        bodies.map((body, i) => store.put('race/key', i % 2 === 0 ? body : streamOf([body]))),
      );
      const won = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(won.length).toBeGreaterThanOrEqual(1);
      for (const result of results)
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(BlobExistsError);
      if (fixture?.exclusiveCreate ?? true) expect(won).toHaveLength(1);
      const stored = digest(await readAllBytes(await store.get('race/key')));
      expect(won.map((i) => digest(bodies[i] ?? new Uint8Array()))).toContainEqual(stored);
      expect(await toArray(store.list('race/'))).toEqual([{ key: 'race/key', bytes: 4096 }]);
      await expect(store.put('race/key', text('late'))).rejects.toBeInstanceOf(BlobExistsError);
    });
  });
}
