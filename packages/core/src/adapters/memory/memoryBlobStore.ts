import { readAllBytes } from '../../asyncIterables.js';
import { BlobExistsError, BlobNotFoundError } from '../../errors.js';
import type { BlobInfo, ByteSource } from '../../model/blob.js';
import { compareUtf8 } from '../../model/entityKey.js';
import type { BlobStore } from '../../ports.js';

/** A `BlobStore` in a Map: the reference behaviour the contract suite pins down. */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, body: ByteSource): Promise<BlobInfo> {
    if (this.objects.has(key)) throw new BlobExistsError(key);
    const bytes = body instanceof Uint8Array ? body.slice() : await readAllBytes(body);
    if (this.objects.has(key)) throw new BlobExistsError(key);
    this.objects.set(key, bytes);
    return { key, bytes: bytes.byteLength };
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    const bytes = this.objects.get(key);
    if (bytes === undefined) throw new BlobNotFoundError(key);
    return (async function* () {
      yield bytes.slice();
    })();
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  /** In UTF-8 byte order, as S3 lists: JavaScript's default sort (UTF-16) puts 😀 before ～. */
  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareUtf8);
    for (const key of keys) yield { key, bytes: this.objects.get(key)?.byteLength ?? 0 };
  }
}
