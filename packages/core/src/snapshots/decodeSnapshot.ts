import type { z } from 'zod';
import { SnapshotCorruptError } from '../errors.js';
import { compareKeys, parseEntityKey } from '../model/entityKey.js';
import { canonicalStringify } from '../model/json.js';
import type { ComponentCounts, EntityEntry } from '../model/poolState.js';
import type { SnapshotHeader } from '../model/snapshotFormat.js';
import { type Measured, measure } from './byteStreams.js';
import { throughGzip } from './gzipStream.js';
import { describeIssue, entityEntrySchema, snapshotHeaderSchema } from './schemas.js';

/** What a manifest promises about a snapshot object. */
export interface ExpectedDigest {
  sha256: string;
  bytes: number;
  entities: number;
}

export interface OpenedSnapshot {
  header: SnapshotHeader;
  /** Entities in key order, decoded lazily; read once. Integrity is checked when the last one is read. */
  entries: AsyncIterable<EntityEntry>;
}

/** Any problem in the bytes says which: gzip, UTF-8, JSON, or a cut-off last line. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_')
    ? `its gzip stream is damaged (${message})`
    : message;
}

async function* textOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const tail = decoder.decode();
  if (tail !== '') yield tail;
}

async function* splitLines(texts: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const text of texts) {
    rest += text;
    let start = 0;
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      yield rest.slice(start, end);
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  if (rest !== '') throw new Error('its last line is cut off');
}

function parseLine<T>(name: string, text: string, line: number, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SnapshotCorruptError(name, `line ${line} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new SnapshotCorruptError(
      name,
      `line ${line} is not a valid ${what} (${describeIssue(parsed.error)})`,
    );
  return parsed.data;
}

function checkSize(
  name: string,
  actual: { bytes: number; sha256: string },
  expected: ExpectedDigest | Omit<ExpectedDigest, 'entities'>,
) {
  if (actual.bytes !== expected.bytes)
    throw new SnapshotCorruptError(name, `it is ${actual.bytes} bytes, its manifest says ${expected.bytes}`);
  if (actual.sha256 !== expected.sha256)
    throw new SnapshotCorruptError(
      name,
      `its sha256 ${actual.sha256} does not match its manifest (${expected.sha256})`,
    );
}

/** Once every entity was read: the bytes against the manifest, the entities against the header. */
function checkEnd(
  name: string,
  measured: Measured,
  expected: ExpectedDigest | undefined,
  found: { entities: number; counts: ComponentCounts; header: SnapshotHeader },
) {
  if (!measured.complete()) throw new SnapshotCorruptError(name, 'bytes follow the end of its gzip stream');
  if (expected !== undefined) {
    checkSize(name, { bytes: measured.bytes(), sha256: measured.sha256() }, expected);
    if (found.entities !== expected.entities)
      throw new SnapshotCorruptError(
        name,
        `it holds ${found.entities} entities, its manifest says ${expected.entities}`,
      );
  }
  const [declared, actual] = [canonicalStringify(found.header.counts), canonicalStringify(found.counts)];
  if (declared !== actual)
    throw new SnapshotCorruptError(name, `its header counts ${declared} but it holds ${actual}`);
}

/**
 * Decodes a snapshot as a stream. The header is read and validated before this resolves; entities
 * follow lazily. After the last entity, size, sha256 and entity count are checked against `expected`
 * and the per-kind counts against the header. Every problem with the bytes is a `SnapshotCorruptError`
 * naming the snapshot; a failure of the byte source itself (the store) passes through unchanged.
 */
export async function openSnapshot(
  name: string,
  bytes: AsyncIterable<Uint8Array>,
  expected?: ExpectedDigest,
): Promise<OpenedSnapshot> {
  const measured = measure(bytes);
  const lines = splitLines(textOf(throughGzip(measured.chunks, new DecompressionStream('gzip'))));
  const read = async () => {
    try {
      return await lines.next();
    } catch (error) {
      const failure = measured.sourceFailure();
      if (failure !== undefined) throw failure.error;
      if (error instanceof SnapshotCorruptError) throw error;
      throw new SnapshotCorruptError(name, reasonOf(error), { cause: error });
    }
  };

  const first = await read();
  if (first.done) throw new SnapshotCorruptError(name, 'it has no header line');
  const header = parseLine(name, first.value, 1, snapshotHeaderSchema, 'snapshot header');

  async function* entries(): AsyncGenerator<EntityEntry> {
    const counts: ComponentCounts = {};
    let line = 1;
    let previous: string | undefined;
    try {
      for (let next = await read(); !next.done; next = await read()) {
        line += 1;
        const entry = parseLine(name, next.value, line, entityEntrySchema, 'entity');
        if (previous !== undefined && compareKeys(previous, entry.key) >= 0)
          throw new SnapshotCorruptError(name, `line ${line} (${entry.key}) is out of key order`);
        previous = entry.key;
        const { kind } = parseEntityKey(entry.key);
        counts[kind] = (counts[kind] ?? 0) + 1;
        yield entry;
      }
    } finally {
      // Closes the byte source when the reader stops early (a no-op once it ended).
      await lines.return(undefined);
    }
    checkEnd(name, measured, expected, { entities: line - 1, counts, header });
  }

  return { header, entries: entries() };
}

/** A hash-and-size pass without decoding: run it before acting on any entity of the snapshot. */
export async function verifySnapshot(
  name: string,
  bytes: AsyncIterable<Uint8Array>,
  expected: Omit<ExpectedDigest, 'entities'>,
): Promise<void> {
  const measured = measure(bytes);
  for await (const _chunk of measured.chunks) {
    // Only the measurement matters.
  }
  checkSize(name, { bytes: measured.bytes(), sha256: measured.sha256() }, expected);
}
