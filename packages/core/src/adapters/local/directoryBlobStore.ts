import { randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobExistsError, BlobNotFoundError, InvalidInputError } from '../../errors.js';
import type { BlobInfo, ByteSource } from '../../model/blob.js';
import { compareUtf8 } from '../../model/entityKey.js';
import type { BlobStore } from '../../ports.js';
import { blobKeySegments, isTempName, TEMP_PREFIX } from './blobKeys.js';
import { errorCode, ignoreMissing, syncDirectory } from './fsUtil.js';

export interface DirectoryBlobStoreOptions {
  /**
   * fsync each blob's bytes and its directory entry before `put` resolves, so an acknowledged blob
   * survives a power cut. Turn off only for throwaway stores.
   * @default true
   */
  readonly durable?: boolean;
}

async function* chunksOf(body: ByteSource): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) yield body;
  else yield* body;
}

interface FolderEntry {
  name: string;
  folder: boolean;
  /** The key (or key prefix, ending in `/`, for a folder) this entry stands for. */
  text: string;
}

/** A folder's blobs and subfolders, temp files left out, in key order; nothing when it does not exist. */
async function sortedEntries(dir: string, keyPrefix: string): Promise<FolderEntry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  return dirents
    .filter((d) => !isTempName(d.name) && (d.isFile() || d.isDirectory()))
    .map((d) => ({
      name: d.name,
      folder: d.isDirectory(),
      text: `${keyPrefix}${d.name}${d.isDirectory() ? '/' : ''}`,
    }))
    .sort((a, b) => compareUtf8(a.text, b.text));
}

/**
 * A `BlobStore` in a plain directory: key `a/b/c` is the file `<root>/a/b/c`, so the directory mirrors
 * the S3 layout and can be read with ordinary tools.
 *
 * A put streams the body into a temp file beside the target, then publishes it with `link`, which
 * fails when the target exists: a crash never leaves a partial blob under a real key, and an existing
 * blob is never replaced, even by a concurrent writer in another process. A directory cannot hold both
 * a blob `a/b` and a blob `a/b/c`; that combination is refused with `InvalidInputError`.
 */
export class DirectoryBlobStore implements BlobStore {
  private readonly durable: boolean;

  constructor(
    readonly root: string,
    options: DirectoryBlobStoreOptions = {},
  ) {
    this.durable = options.durable ?? true;
  }

  private file(key: string): string {
    return path.join(this.root, ...blobKeySegments(key));
  }

  async put(key: string, body: ByteSource): Promise<BlobInfo> {
    const target = this.file(key);
    // Cheap early refusal so an existing key does not cost a whole upload; `link` below decides for real.
    if (await this.exists(key)) throw new BlobExistsError(key);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      const code = errorCode(error);
      if (code === 'ENOTDIR' || code === 'EEXIST')
        throw new InvalidInputError(`blob key ${key} runs through an existing blob used as a folder`);
      throw error;
    });
    const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    let bytes = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunksOf(body)) {
        bytes += chunk.byteLength;
        yield chunk;
      }
    }
    try {
      await pipeline(counted(), createWriteStream(temp, { flags: 'wx', flush: this.durable }));
      await this.publish(temp, target, key);
    } finally {
      await unlink(temp).catch(ignoreMissing);
    }
    if (this.durable) await syncDirectory(dir);
    return { key, bytes };
  }

  private async publish(temp: string, target: string, key: string): Promise<void> {
    try {
      await link(temp, target);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      const existing = await stat(target);
      if (existing.isDirectory())
        throw new InvalidInputError(`blob key ${key} is already a folder holding other blobs`);
      throw new BlobExistsError(key);
    }
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    const file = this.file(key);
    const handle = await open(file, 'r').catch((error: unknown) => {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new BlobNotFoundError(key);
      throw error;
    });
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new BlobNotFoundError(key);
    }
    // The stream closes the handle when it ends or is destroyed.
    return handle.createReadStream();
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.file(key))).isFile();
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw error;
    }
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.walk(this.root, '', prefix);
  }

  /**
   * Depth-first, entries sorted by the key text they stand for (`name/` for a folder), which yields keys
   * in ascending UTF-8 byte order, the order S3 lists in: `a.c` (`.` < `/`) comes before everything in
   * folder `a`, and `～` before `😀`. Only folders that can hold keys under `prefix` are entered.
   */
  private async *walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<BlobInfo> {
    for (const entry of await sortedEntries(dir, keyPrefix)) {
      const full = path.join(dir, entry.name);
      if (entry.folder) {
        if (entry.text.startsWith(prefix) || prefix.startsWith(entry.text))
          yield* this.walk(full, entry.text, prefix);
      } else if (entry.text.startsWith(prefix)) {
        const info = await stat(full).catch(ignoreMissing);
        if (info) yield { key: entry.text, bytes: info.size };
      }
    }
  }
}
