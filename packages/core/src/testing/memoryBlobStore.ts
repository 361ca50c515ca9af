import { BlobExistsError, BlobNotFoundError } from '../errors.js';
import type { BlobInfo, BlobStore, ByteSource } from '../ports.js';

async function collect(body: ByteSource): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body.slice();
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A `BlobStore` in a Map: the reference behaviour the contract suite pins down. */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, body: ByteSource): Promise<BlobInfo> {
    if (this.objects.has(key)) throw new BlobExistsError(key);
    const bytes = await collect(body);
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

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys) yield { key, bytes: this.objects.get(key)?.byteLength ?? 0 };
  }
}
