import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toArray } from '../asyncIterables.js';
import { InvalidInputError, RewindError, SnapshotCorruptError } from '../errors.js';
import type { EntityEntry } from '../model/poolState.js';
import { SNAPSHOT_FORMAT, type SnapshotHeader } from '../model/snapshotFormat.js';
import { encodeSnapshot, openSnapshot, verifySnapshot } from './codec.js';

const header = (counts: Record<string, number>): SnapshotHeader => ({
  format: SNAPSHOT_FORMAT,
  poolId: 'us-east-1_Test',
  snapshotId: '01J0000000000000000000000A',
  at: '2024-06-01T12:00:00.000Z',
  createdAt: '2024-06-01T12:00:01.000Z',
  kind: 'scan',
  lastChangeId: null,
  counts,
  notCaptured: ['tags'],
});

const entries: EntityEntry[] = [
  { key: 'group:admins', version: 2, hash: 'h2', doc: { GroupName: 'admins' } },
  { key: 'pool', version: 0, hash: null, doc: { Name: 'p' } },
  { key: 'user:a/b', version: 1, hash: 'h1', doc: { username: 'a/b' } },
  { key: 'user:zoë', version: 3, hash: 'h3', doc: { username: 'zoë', n: [1, { x: null }] } },
];
const countsOf = { group: 1, pool: 1, user: 2 };

async function bytesOf(iterable: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* from(bytes: Uint8Array, chunkSize = bytes.byteLength || 1) {
  for (let i = 0; i < bytes.byteLength; i += chunkSize) yield bytes.slice(i, i + chunkSize);
}

async function encoded(list: EntityEntry[] = entries, counts: Record<string, number> = countsOf) {
  const encoding = encodeSnapshot(header(counts), list);
  const bytes = await bytesOf(encoding.bytes);
  return { bytes, digest: encoding.digest() };
}

const gz = (text: string) => new Uint8Array(gzipSync(Buffer.from(text)));
const headerLine = (counts: Record<string, number>) => JSON.stringify(header(counts));

describe('snapshot codec', () => {
  it('round-trips the header and every entity, and digests the gzip bytes', async () => {
    const { bytes, digest } = await encoded();
    expect(digest).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.byteLength,
      entities: 4,
      counts: countsOf,
    });
    const opened = await openSnapshot('s1', from(bytes, 7), digest);
    expect(opened.header).toEqual(header(countsOf));
    expect(await toArray(opened.entries)).toEqual(entries);
  });

  it('writes gzip NDJSON: a header line, then one line per entity in key order', async () => {
    const { bytes } = await encoded();
    const lines = gunzipSync(bytes).toString('utf8').split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ format: SNAPSHOT_FORMAT, counts: countsOf });
    expect(lines.slice(1, 5).map((line) => JSON.parse(line).key)).toEqual(entries.map((e) => e.key));
    expect(lines[5]).toBe('');
  });

  it('refuses entities out of key order, duplicate keys and a header that miscounts', async () => {
    const reversed = [entries[1], entries[0]].filter((e) => e !== undefined);
    await expect(encoded(reversed, { group: 1, pool: 1 })).rejects.toThrow(InvalidInputError);
    const twice = [entries[0], entries[0]].filter((e) => e !== undefined);
    await expect(encoded(twice, { group: 2 })).rejects.toThrow(/strictly ascending/);
    await expect(encoded(entries, { user: 4 })).rejects.toThrow(/do not match the entities written/);
  });

  it('has no digest until the bytes were read', () => {
    expect(() => encodeSnapshot(header({}), []).digest()).toThrow(RewindError);
  });

  it('encodes as the bytes are read, not ahead of them', async () => {
    let pulled = 0;
    const total = 50_000;
    async function* many() {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield { key: `user:${String(i).padStart(6, '0')}`, version: i, hash: null, doc: { n: Math.sin(i) } };
      }
    }
    const encoding = encodeSnapshot(header({ user: total }), many());
    const iterator = encoding.bytes[Symbol.asyncIterator]();
    await iterator.next();
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(total / 2);
    await iterator.return?.();
  });

  it('decodes as entities are read, and stops reading the source when the reader stops', async () => {
    const list = Array.from({ length: 20_000 }, (_, i) => ({
      key: `user:${String(i).padStart(6, '0')}`,
      version: i,
      hash: null,
      doc: { n: Math.sin(i) },
    }));
    const { bytes } = await encoded(list, { user: list.length });
    let chunksRead = 0;
    let closed = false;
    async function* source() {
      try {
        for await (const chunk of from(bytes, 1024)) {
          chunksRead++;
          yield chunk;
        }
      } finally {
        closed = true;
      }
    }
    const opened = await openSnapshot('s1', source());
    for await (const entry of opened.entries) {
      expect(entry.key).toBe('user:000000');
      break;
    }
    expect(chunksRead).toBeLessThan(bytes.byteLength / 1024 / 2);
    expect(closed).toBe(true);
  });

  it.each([
    ['empty bytes', new Uint8Array(0), /snapshot bad is corrupt: .*gzip/],
    ['bytes that are not gzip', new TextEncoder().encode('{"format":1}\n'), /gzip stream is damaged/],
    ['no header line', gz(''), /no header line/],
    [
      'a header of another format',
      gz('{"format":"other"}\n'),
      /line 1 is not a valid snapshot header \(format/,
    ],
    ['a line that is not JSON', gz(`${headerLine({ user: 1 })}\n{"key":\n`), /line 2 is not JSON/],
    [
      'an entity without a doc',
      gz(`${headerLine({ user: 1 })}\n{"key":"user:a","version":1,"hash":null}\n`),
      /line 2 is not a valid entity \(doc/,
    ],
    [
      'an unknown entity kind',
      gz(`${headerLine({ user: 1 })}\n{"key":"cat:a","version":1,"hash":null,"doc":{}}\n`),
      /line 2 is not a valid entity \(key/,
    ],
    [
      'keys out of order',
      gz(
        `${headerLine({ user: 2 })}\n{"key":"user:b","version":1,"hash":null,"doc":{}}\n{"key":"user:a","version":1,"hash":null,"doc":{}}\n`,
      ),
      /line 3 \(user:a\) is out of key order/,
    ],
    [
      'a cut-off last line',
      gz(`${headerLine({ user: 1 })}\n{"key":"user:a","version":1,"hash":null,"doc":{}}`),
      /last line is cut off/,
    ],
    [
      'a header that miscounts',
      gz(`${headerLine({ user: 2 })}\n{"key":"user:a","version":1,"hash":null,"doc":{}}\n`),
      /header counts/,
    ],
  ])('names the snapshot when it reads %s', async (_case, bytes, reason) => {
    const read = async () => toArray((await openSnapshot('bad', from(bytes))).entries);
    await expect(read()).rejects.toThrow(SnapshotCorruptError);
    await expect(read()).rejects.toThrow(reason);
  });

  it('rejects invalid UTF-8', async () => {
    const text = Buffer.concat([
      Buffer.from(`${headerLine({ user: 1 })}\n{"key":"user:`),
      Buffer.from([0xff]),
      Buffer.from('","version":1,"hash":null,"doc":{}}\n'),
    ]);
    const read = async () =>
      toArray((await openSnapshot('bad', from(new Uint8Array(gzipSync(text))))).entries);
    await expect(read()).rejects.toThrow(/snapshot bad is corrupt: .*utf-8/i);
  });

  it('checks size, sha256 and entity count against what the manifest expects', async () => {
    const { bytes, digest } = await encoded();
    const read = async (expected: typeof digest) =>
      toArray((await openSnapshot('s1', from(bytes), expected)).entries);
    await expect(read({ ...digest, bytes: digest.bytes + 1 })).rejects.toThrow(
      /is \d+ bytes, its manifest says/,
    );
    await expect(read({ ...digest, sha256: '0'.repeat(64) })).rejects.toThrow(/sha256 .* does not match/);
    await expect(read({ ...digest, entities: 5 })).rejects.toThrow(/holds 4 entities, its manifest says 5/);
    await expect(verifySnapshot('s1', from(bytes), digest)).resolves.toBeUndefined();
    await expect(verifySnapshot('s1', from(bytes), { ...digest, sha256: 'f'.repeat(64) })).rejects.toThrow(
      SnapshotCorruptError,
    );
  });

  it('lets a failure of the byte source through as it is', async () => {
    const { bytes } = await encoded();
    const outage = new Error('connection reset');
    async function* failing() {
      yield bytes.slice(0, 20);
      throw outage;
    }
    await expect(openSnapshot('s1', failing()).then((o) => toArray(o.entries))).rejects.toBe(outage);
    await expect(verifySnapshot('s1', failing(), { sha256: '', bytes: 0 })).rejects.toBe(outage);
  });
});
