import { InvalidInputError, RewindError } from '../errors.js';
import { compareKeys, parseEntityKey } from '../model/entityKey.js';
import { canonicalStringify } from '../model/json.js';
import type { ComponentCounts, EntityEntry } from '../model/poolState.js';
import type { SnapshotDigest, SnapshotHeader } from '../model/snapshotFormat.js';
import { measure, type Source } from './byteStreams.js';
import { throughGzip } from './gzipStream.js';

export { type ExpectedDigest, type OpenedSnapshot, openSnapshot, verifySnapshot } from './decodeSnapshot.js';

/**
 * The snapshot codec: gzip NDJSON, a header line then one line per entity in `compareKeys` order.
 * Both directions stream: entities are serialised in batches as the gzip output is read, so memory
 * stays bounded by the batch size, never by the pool size.
 */

/** Text is handed to the compressor in batches of about this many UTF-16 units. */
const BATCH = 64 * 1024;

export interface EncodedSnapshot {
  /** The gzip bytes; read them once, fully, then ask for the digest. */
  bytes: AsyncIterable<Uint8Array>;
  /** What was written: sha256 and size of the gzip bytes, entity counts. Only after `bytes` ended. */
  digest(): SnapshotDigest;
}

export const entityLine = (entry: EntityEntry): string =>
  JSON.stringify({
    key: entry.key,
    version: entry.version,
    hash: entry.hash,
    doc: entry.doc,
    ...(entry.unknown === undefined || entry.unknown.length === 0 ? {} : { unknown: entry.unknown }),
  });

const sameCounts = (a: ComponentCounts, b: ComponentCounts): boolean =>
  canonicalStringify(a) === canonicalStringify(b);

export function encodeSnapshot(header: SnapshotHeader, entries: Source<EntityEntry>): EncodedSnapshot {
  const counts: ComponentCounts = {};
  let entities = 0;

  async function* text(): AsyncGenerator<Uint8Array> {
    const utf8 = new TextEncoder();
    let batch = `${canonicalStringify(header)}\n`;
    let previous: string | undefined;
    for await (const entry of entries) {
      if (previous !== undefined && compareKeys(previous, entry.key) >= 0)
        throw new InvalidInputError(
          `snapshot entities must be in strictly ascending key order: ${JSON.stringify(entry.key)} came after ${JSON.stringify(previous)}`,
        );
      previous = entry.key;
      const { kind } = parseEntityKey(entry.key);
      counts[kind] = (counts[kind] ?? 0) + 1;
      entities += 1;
      batch += `${entityLine(entry)}\n`;
      if (batch.length >= BATCH) {
        yield utf8.encode(batch);
        batch = '';
      }
    }
    // The header went out first, so it must have been right: a lying header is refused, not written.
    if (!sameCounts(counts, header.counts))
      throw new InvalidInputError(
        `snapshot header counts ${canonicalStringify(header.counts)} do not match the entities written ${canonicalStringify(counts)}`,
      );
    yield utf8.encode(batch);
  }

  const measured = measure(throughGzip(text(), new CompressionStream('gzip')));
  return {
    bytes: measured.chunks,
    digest() {
      if (!measured.complete())
        throw new RewindError('the snapshot digest is only known once its bytes were fully read');
      return { sha256: measured.sha256(), bytes: measured.bytes(), entities, counts: { ...counts } };
    },
  };
}
