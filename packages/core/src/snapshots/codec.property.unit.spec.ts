import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotCorruptError } from '../errors.js';
import { COLLECTION_KINDS, compareKeys, SINGLETON_KINDS } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import { countByKind, type EntityEntry } from '../model/poolState.js';
import { SNAPSHOT_FORMAT, type SnapshotHeader } from '../model/snapshotFormat.js';
import { encodeSnapshot, openSnapshot, verifySnapshot } from './codec.js';

const keyArb = fc.oneof(
  fc.constantFrom(...SINGLETON_KINDS),
  fc
    .tuple(fc.constantFrom(...COLLECTION_KINDS), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }))
    .map(([kind, id]) => `${kind}:${id}`),
);

const entryArb = fc.record({
  key: keyArb,
  version: fc.nat(),
  hash: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }),
  doc: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as fc.Arbitrary<JsonObject>,
});

const entitySetArb = fc
  .uniqueArray(entryArb, { selector: (entry) => entry.key, maxLength: 25 })
  .map((entries) => entries.sort((a, b) => compareKeys(a.key, b.key)));

const headerFor = (entries: EntityEntry[]): SnapshotHeader => ({
  format: SNAPSHOT_FORMAT,
  poolId: 'eu-west-1_Prop',
  snapshotId: '01J00000000000000000000000',
  at: '2024-01-01T00:00:00.000Z',
  createdAt: '2024-01-01T00:00:00.000Z',
  kind: 'scan',
  lastChangeId: null,
  counts: countByKind(entries.map((entry) => entry.key)),
  notCaptured: [],
});

async function encode(entries: EntityEntry[]) {
  const encoding = encodeSnapshot(headerFor(entries), entries);
  const chunks: Uint8Array[] = [];
  for await (const chunk of encoding.bytes) chunks.push(chunk);
  return { bytes: new Uint8Array(Buffer.concat(chunks)), digest: encoding.digest() };
}

async function* once(bytes: Uint8Array) {
  yield bytes;
}

async function readAll(bytes: Uint8Array, expected?: { sha256: string; bytes: number; entities: number }) {
  const opened = await openSnapshot('prop', once(bytes), expected);
  const out: EntityEntry[] = [];
  for await (const entry of opened.entries) out.push(entry);
  return out;
}

describe('snapshot codec properties', () => {
  it('decodes exactly the entity set it encoded', async () => {
    await fc.assert(
      fc.asyncProperty(entitySetArb, async (entries) => {
        const { bytes, digest } = await encode(entries);
        expect(digest.entities).toBe(entries.length);
        // JSON is the model: what survives JSON.stringify is what must come back (-0 becomes 0).
        expect(await readAll(bytes, digest)).toEqual(JSON.parse(JSON.stringify(entries)));
      }),
      { numRuns: 60 },
    );
  });

  it('fails verification and open with SnapshotCorruptError when any one byte is changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        entitySetArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (entries, at, mask) => {
          const { bytes, digest } = await encode(entries);
          const tampered = bytes.slice();
          const index = at % tampered.length;
          tampered[index] = (tampered[index] ?? 0) ^ mask;
          await expect(verifySnapshot('prop', once(tampered), digest)).rejects.toThrow(SnapshotCorruptError);
          await expect(readAll(tampered, digest)).rejects.toThrow(SnapshotCorruptError);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails verification and open with SnapshotCorruptError when cut short anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(entitySetArb, fc.nat(), async (entries, at) => {
        const { bytes, digest } = await encode(entries);
        const truncated = bytes.slice(0, at % bytes.length);
        await expect(verifySnapshot('prop', once(truncated), digest)).rejects.toThrow(SnapshotCorruptError);
        await expect(readAll(truncated, digest)).rejects.toThrow(SnapshotCorruptError);
        // Even without a manifest, gzip's own framing catches a cut.
        await expect(readAll(truncated)).rejects.toThrow(SnapshotCorruptError);
      }),
      { numRuns: 60 },
    );
  });
});
