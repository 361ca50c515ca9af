import { readAllBytes } from '../asyncIterables.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { parseStoredRecord } from '../changes/recordSchema.js';
import { ChangeLogCorruptError } from '../errors.js';
import { throughGzip } from '../snapshots/gzipStream.js';

/**
 * A delta segment: gzip NDJSON, a header line, then one change record per line exactly as the log
 * holds it. The header's count makes a segment cut short at a line boundary detectable; each record
 * carries its own hash.
 */
export const SEGMENT_FORMAT = 'cognito-rewind.segment/1' as const;

export interface SegmentHeader {
  format: typeof SEGMENT_FORMAT;
  poolId: string;
  segmentId: string;
  createdAt: string;
  records: number;
}

const encoder = new TextEncoder();

export function encodeSegment(
  header: SegmentHeader,
  records: readonly ChangeRecord[],
): AsyncIterable<Uint8Array> {
  const lines = [JSON.stringify(header), ...records.map((record) => JSON.stringify(record))];
  const text = encoder.encode(`${lines.join('\n')}\n`);
  return throughGzip([text], new CompressionStream('gzip'));
}

export async function decodeSegment(
  key: string,
  bytes: AsyncIterable<Uint8Array>,
): Promise<{ header: SegmentHeader; records: ChangeRecord[] }> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      await readAllBytes(throughGzip(bytes, new DecompressionStream('gzip'))),
    );
  } catch (error) {
    throw new ChangeLogCorruptError(key, 0, 'the segment is not readable gzip UTF-8', { cause: error });
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = parseHeader(key, lines[0]);
  const records: ChangeRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    let json: unknown;
    try {
      json = JSON.parse(lines[i] ?? '');
    } catch (error) {
      throw new ChangeLogCorruptError(key, i, `line ${i + 1} is not JSON`, { cause: error });
    }
    const record = parseStoredRecord(json, key, i);
    if (record.poolId !== header.poolId)
      throw new ChangeLogCorruptError(key, i, `record ${record.id} belongs to ${record.poolId}`);
    records.push(record);
  }
  if (records.length !== header.records)
    throw new ChangeLogCorruptError(
      key,
      0,
      `the header promises ${header.records} records, ${records.length} are there`,
    );
  return { header, records };
}

function parseHeader(key: string, line: string | undefined): SegmentHeader {
  try {
    const header = JSON.parse(line ?? '') as Partial<SegmentHeader>;
    if (
      header.format === SEGMENT_FORMAT &&
      typeof header.poolId === 'string' &&
      typeof header.segmentId === 'string' &&
      typeof header.createdAt === 'string' &&
      Number.isSafeInteger(header.records)
    )
      return header as SegmentHeader;
  } catch {
    // reported below
  }
  throw new ChangeLogCorruptError(key, 0, `the first line is not a ${SEGMENT_FORMAT} header`);
}
