/**
 * A record's body in its item, and back. The body is the record's JSON as one string attribute: a
 * string keeps it byte-exact (the hash chain is computed over it), where a DynamoDB map would reorder
 * members and turn numbers into decimals. A body that would push the item past DynamoDB's 400 KB goes to
 * the blob store first, and the item names it instead: a write never fails for size. The item keeps
 * that body's sha256 too: whoever can write to the bucket but not the table cannot swap a record's
 * body (and its self-computed hash) unnoticed.
 */
import { readAllBytes } from '../../asyncIterables.js';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import { sha256Hex } from '../../changes/hash.js';
import { parseStoredRecord } from '../../changes/recordSchema.js';
import { BlobExistsError, BlobNotFoundError, ChangeLogCorruptError } from '../../errors.js';
import type { BlobStore } from '../../ports.js';
import { itemBytes, largeRecordBlobKey, type RecordItem } from './dynamoItems.js';

/** Below DynamoDB's 400 KB item limit, with room for its own accounting of names and numbers. */
export const LARGE_ITEM_BYTES = 350 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The item with its body: inline, or (large) in the blob store under a write-once key. */
export async function withBody(
  item: RecordItem,
  record: ChangeRecord,
  json: string,
  blobs: BlobStore,
): Promise<RecordItem> {
  if (itemBytes({ ...item, record: json }) <= LARGE_ITEM_BYTES) return { ...item, record: json };
  const key = largeRecordBlobKey(record);
  const bytes = encoder.encode(json);
  try {
    await blobs.put(key, bytes, { contentType: 'application/json' });
  } catch (error) {
    // A retry of this very record (same id) finds its blob already there: fine if it is the same bytes.
    if (!(error instanceof BlobExistsError)) throw error;
    const stored = await readAllBytes(await blobs.get(key));
    if (Buffer.compare(stored, bytes) !== 0) throw error;
  }
  return { ...item, recordKey: key, recordSha256: sha256Hex(json) };
}

/** The item attributes a body must agree with: they are what the indexes sort and select by. */
const AGREEING = ['poolId', 'entity', 'version', 'id', 'validFrom'] as const;

/**
 * The record an item holds, validated: a body that does not parse, a missing large body, or index
 * attributes that disagree with the body are damage (`ChangeLogCorruptError`), never skipped.
 */
export async function readRecord(
  item: Record<string, unknown>,
  tableName: string,
  blobs: BlobStore,
): Promise<ChangeRecord> {
  const where = `table ${tableName} item ${String(item.pk)} ${String(item.sk)}`;
  const json = await bodyOf(item, where, blobs);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ChangeLogCorruptError(where, 0, 'the record is not JSON', { cause: error });
  }
  const record = parseStoredRecord(value, where);
  for (const name of AGREEING)
    if (item[name] !== record[name])
      throw new ChangeLogCorruptError(
        where,
        0,
        `record ${record.id} says ${name} ${JSON.stringify(record[name])}, the item ${JSON.stringify(item[name])}`,
      );
  return record;
}

async function bodyOf(item: Record<string, unknown>, where: string, blobs: BlobStore): Promise<string> {
  if (typeof item.record === 'string') return item.record;
  if (typeof item.recordKey !== 'string')
    throw new ChangeLogCorruptError(where, 0, 'the item holds neither record nor recordKey');
  let bytes: Uint8Array;
  let json: string;
  try {
    bytes = await readAllBytes(await blobs.get(item.recordKey));
  } catch (error) {
    // Only a missing body is damage; a blob store that cannot be reached is not.
    if (!(error instanceof BlobNotFoundError)) throw error;
    throw new ChangeLogCorruptError(where, 0, `its large record ${item.recordKey} is missing`, {
      cause: error,
    });
  }
  try {
    json = decoder.decode(bytes);
  } catch (error) {
    throw new ChangeLogCorruptError(where, 0, `its large record ${item.recordKey} is not UTF-8`, {
      cause: error,
    });
  }
  // Items written before the table kept the digest have none to check against.
  if (typeof item.recordSha256 === 'string' && sha256Hex(json) !== item.recordSha256)
    throw new ChangeLogCorruptError(
      where,
      0,
      `its large record ${item.recordKey} is not the body the table recorded (sha256 differs): the bucket's copy was changed`,
    );
  return json;
}
