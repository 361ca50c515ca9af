import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Anything the codec streams from: an async source (a store, a replay) or a plain list. */
export type Source<T> = AsyncIterable<T> | Iterable<T>;

/** What a pass over some bytes measured; `sha256` is final once `complete` is true. */
export interface Measured {
  chunks: AsyncGenerator<Uint8Array>;
  bytes(): number;
  complete(): boolean;
  sha256(): string;
  /** Set when the source itself failed (e.g. the store), as opposed to the bytes being bad. */
  sourceFailure(): { error: unknown } | undefined;
}

/** Passes bytes through unchanged while hashing and counting them. */
export function measure(source: AsyncIterable<Uint8Array>): Measured {
  const hasher = sha256.create();
  let size = 0;
  let complete = false;
  let hex: string | undefined;
  let failure: { error: unknown } | undefined;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of source) {
        hasher.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      failure = { error };
      throw error;
    }
    complete = true;
  }
  return {
    chunks: chunks(),
    bytes: () => size,
    complete: () => complete,
    sha256: () => {
      if (!complete) throw new Error('sha256 is only known once every byte was read');
      hex ??= bytesToHex(hasher.digest());
      return hex;
    },
    sourceFailure: () => failure,
  };
}
