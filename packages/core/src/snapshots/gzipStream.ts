import type { Source } from './byteStreams.js';

/** Web compression streams only take ArrayBuffer-backed views; copy the rare shared-memory chunk. */
const arrayBacked = (chunk: Uint8Array): Uint8Array<ArrayBuffer> =>
  chunk.buffer instanceof ArrayBuffer ? (chunk as Uint8Array<ArrayBuffer>) : new Uint8Array(chunk);

/** Output held for the reader before input stops being fed, and the largest single write. */
const QUEUE_LIMIT = 1024 * 1024;
const PIECE = 16 * 1024;

/** `wait()` resolves at the next `fire()`; one waiter at a time. */
class Signal {
  private resume: (() => void) | undefined;
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.resume = resolve;
    });
  }
  fire(): void {
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }
}

/**
 * Runs bytes through a gzip (de)compressor with bounded memory. Not `pipeThrough`: Node's compression
 * streams queue up to 16384 output *chunks* before pushing back, so a slow reader (an upload) would
 * let a whole snapshot pile up in memory. Here output moves to our own queue as soon as it appears,
 * and input is fed in small pieces only while that queue holds less than QUEUE_LIMIT bytes.
 * Breaking out of the returned iterator stops feeding and closes the source.
 */
export function throughGzip(
  bytes: Source<Uint8Array>,
  transform: CompressionStream | DecompressionStream,
): AsyncGenerator<Uint8Array> {
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  const queue: Uint8Array[] = [];
  const state = {
    queued: 0,
    ended: false,
    stopped: false,
    failure: undefined as { error: unknown } | undefined,
  };
  const outputReady = new Signal();
  const roomMade = new Signal();
  const fail = (error: unknown) => {
    state.failure ??= { error };
    outputReady.fire();
  };

  async function writePieces(chunk: Uint8Array): Promise<void> {
    for (let offset = 0; offset < chunk.byteLength && !state.stopped; offset += PIECE) {
      while (state.queued > QUEUE_LIMIT && !state.stopped) await roomMade.wait();
      if (!state.stopped) await writer.write(arrayBacked(chunk.subarray(offset, offset + PIECE)));
    }
  }

  async function feed(): Promise<void> {
    try {
      for await (const chunk of bytes) {
        await writePieces(chunk);
        if (state.stopped) return;
      }
      await writer.close();
    } catch (error) {
      fail(error);
      await writer.abort(error).catch(() => undefined);
    }
  }

  async function drain(): Promise<void> {
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        queue.push(next.value);
        state.queued += next.value.byteLength;
        outputReady.fire();
      }
      state.ended = true;
      outputReady.fire();
    } catch (error) {
      fail(error);
    }
  }

  async function* output(): AsyncGenerator<Uint8Array> {
    // Neither promise rejects: both record failures, which the loop below rethrows.
    const feeding = feed();
    void drain();
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          state.queued -= chunk.byteLength;
          roomMade.fire();
          yield chunk;
        } else if (state.failure !== undefined) throw state.failure.error;
        else if (state.ended) return;
        else await outputReady.wait();
      }
    } finally {
      if (!state.ended) {
        // The reader stopped early, or it failed: stop feeding, and wait until the source is let go.
        state.stopped = true;
        roomMade.fire();
        await reader.cancel().catch(() => undefined);
        await feeding;
      }
    }
  }
  return output();
}
