/**
 * Reading async sequences whole. Node 20 has no `Array.fromAsync`; these are the one place that
 * stands in for it, for sequences known to be small or needed whole anyway.
 */
export async function toArray<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** All the chunks, joined into one byte array. */
export async function readAllBytes(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Uint8Array> {
  const parts = await toArray(chunks);
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * Runs `work` over `items` with at most `limit` at once, and waits for all of them. After a failure
 * the workers take no new items; the first failure is thrown once those running have stopped.
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let i = next++; !failed && i < items.length; i = next++) {
      try {
        await work(items[i] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
