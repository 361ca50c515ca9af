export { countingReader } from '@cognito-rewind/testkit';

import type { BlobStore, ChangeLog, ChangeRecord, CognitoReader } from '@cognito-rewind/core';

/** A reader whose method `method` throws `fault` once, on the first call whose arguments match. */
export function failOnce<M extends keyof CognitoReader>(
  reader: CognitoReader,
  method: M,
  matches: (...args: Parameters<CognitoReader[M]>) => boolean,
  fault: () => Error,
): CognitoReader {
  let fired = false;
  return new Proxy(reader, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== method || typeof value !== 'function') return value;
      return (...args: Parameters<CognitoReader[M]>) => {
        if (!fired && matches(...args)) {
          fired = true;
          throw fault();
        }
        return value.apply(target, args);
      };
    },
  });
}

/**
 * A change log that stands for an invocation dying midway (a timeout, an out-of-memory kill): after
 * `appends` appends succeed, every further append throws, as nothing more reaches the table.
 */
export function dyingChangeLog(log: ChangeLog, appends: number): ChangeLog & { appended: ChangeRecord[] } {
  const appended: ChangeRecord[] = [];
  return {
    appended,
    append: async (record) => {
      if (appended.length >= appends) throw new Error('the invocation died (simulated)');
      const outcome = await log.append(record);
      appended.push(record);
      return outcome;
    },
    head: (poolId, entity) => log.head(poolId, entity),
    entityHistory: (poolId, entity) => log.entityHistory(poolId, entity),
    timeline: (poolId, range) => log.timeline(poolId, range),
    position: (poolId) => log.position(poolId),
    appendedSince: (poolId, since, filter) => log.appendedSince(poolId, since, filter),
  };
}

/**
 * A blob store whose reads of the keys `damaged` picks come back with a byte flipped per chunk, as
 * from a bit-rotted or tampered object: the digest check must catch it. Everything else passes on.
 */
export function damagedBlobs(blobs: BlobStore, damaged: (key: string) => boolean): BlobStore {
  return {
    put: (key, body, options) => blobs.put(key, body, options),
    exists: (key) => blobs.exists(key),
    list: (prefix) => blobs.list(prefix),
    get: async (key) => {
      const body = await blobs.get(key);
      if (!damaged(key)) return body;
      return (async function* () {
        for await (const chunk of body) {
          const copy = Uint8Array.from(chunk);
          copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
          yield copy;
        }
      })();
    },
  };
}
