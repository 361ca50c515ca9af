import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAllBytes, toArray } from '../../asyncIterables.js';
import { BlobExistsError, BlobNotFoundError } from '../../errors.js';
import type { BlobStore } from '../../ports.js';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Removes whatever the store created (temp directory, bucket contents). */
  cleanup(): Promise<void>;
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
  });
}
