import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blobStoreContract } from '@cognito-rewind/testkit/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobExistsError, InvalidInputError } from '../../errors.js';
import { DirectoryBlobStore } from './directoryBlobStore.js';

const tempRoot = () => mkdtemp(path.join(tmpdir(), 'rewind-blobs-'));

blobStoreContract('DirectoryBlobStore', async () => {
  const root = await tempRoot();
  return {
    store: new DirectoryBlobStore(root),
    exclusiveCreate: true,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

const text = (value: string) => new TextEncoder().encode(value);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('DirectoryBlobStore on disk', () => {
  let root: string;
  let store: DirectoryBlobStore;
  beforeEach(async () => {
    root = await tempRoot();
    store = new DirectoryBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores key a/b/c as the file <root>/a/b/c and leaves no temp file', async () => {
    await store.put('cognito-backup/p1/snapshots/x.gz', text('abc'));
    expect(await filesUnder(root)).toEqual(['cognito-backup/p1/snapshots/x.gz']);
  });

  it('stores keys with %, +, ?, #, spaces and emoji under their literal names', async () => {
    const keys = ['odd/100%', 'odd/%20', 'odd/a+b c', 'odd/what?', 'odd/#x', 'odd/😀/𝄞～'];
    for (const key of keys) await store.put(key, text(key));
    expect(await filesUnder(root)).toEqual([...keys].sort());
  });

  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'is absolute'],
    ['a/../../b', '".." segment'],
    ['a/./b', '"." segment'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a\\b', 'backslash'],
    ['a/.rewind-tmp-1', 'reserved'],
    [`a/${'x'.repeat(256)}`, 'longer than 255 bytes'],
  ])('refuses the key %j (%s) with InvalidInputError and writes nothing', async (key, why) => {
    await expect(store.put(key, text('x'))).rejects.toThrow(why);
    await expect(store.put(key, text('x'))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.exists(key)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('refuses a key that would need an existing blob to be a folder, and the reverse', async () => {
    await store.put('a/b', text('blob'));
    await expect(store.put('a/b/c', text('x'))).rejects.toBeInstanceOf(InvalidInputError);
    await store.put('d/e/f', text('blob'));
    await expect(store.put('d/e', text('x'))).rejects.toBeInstanceOf(InvalidInputError);
    expect(await filesUnder(root)).toEqual(['a/b', 'd/e/f']);
  });

  it('lets exactly one of two concurrent puts of one key win', async () => {
    const other = new DirectoryBlobStore(root);
    const results = await Promise.allSettled([store.put('k', text('one')), other.put('k', text('two'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(BlobExistsError);
    expect(await filesUnder(root)).toEqual(['k']);
  });

  it('skips temp files a crashed writer left behind, and cleans up after a failed body', async () => {
    await store.put('s/real', text('ok'));
    await writeFile(path.join(root, 's', '.rewind-tmp-deadbeef'), 'partial');
    const listed = [];
    for await (const info of store.list('s/')) listed.push(info);
    expect(listed).toEqual([{ key: 's/real', bytes: 2 }]);

    async function* failing(): AsyncGenerator<Uint8Array> {
      yield text('part');
      throw new Error('boom');
    }
    await expect(store.put('s/failed', failing())).rejects.toThrow('boom');
    expect(await filesUnder(root)).toEqual(['s/.rewind-tmp-deadbeef', 's/real']);
  });

  it('lists nothing when the root does not exist yet', async () => {
    const fresh = new DirectoryBlobStore(path.join(root, 'not-yet'));
    const listed = [];
    for await (const info of fresh.list('')) listed.push(info);
    expect(listed).toEqual([]);
    expect(await fresh.exists('x')).toBe(false);
  });
});
