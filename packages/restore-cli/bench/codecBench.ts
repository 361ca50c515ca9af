import { encodeSnapshot, entityLine, openSnapshot, SNAPSHOT_FORMAT } from '@cognito-rewind/core';
import { syntheticUsers } from './synthetic.js';

/** Encodes then decodes a snapshot of `users` users held in memory; reports throughput and size. */
export async function codecBench(users: number) {
  let rawBytes = 0;
  for (const entry of syntheticUsers(users)) rawBytes += Buffer.byteLength(entityLine(entry)) + 1;

  const header = {
    format: SNAPSHOT_FORMAT,
    poolId: 'us-east-1_Bench',
    snapshotId: '01J00000000000000000000000',
    at: '2024-06-01T00:00:00.000Z',
    createdAt: '2024-06-01T00:00:00.000Z',
    kind: 'scan',
    lastChangeId: null,
    counts: { user: users },
    notCaptured: [],
  } as const;
  const encodeStart = performance.now();
  const encoded = encodeSnapshot({ ...header, notCaptured: [] }, syntheticUsers(users));
  const chunks: Uint8Array[] = [];
  for await (const chunk of encoded.bytes) chunks.push(chunk);
  const encodeSeconds = (performance.now() - encodeStart) / 1000;
  const digest = encoded.digest();

  const decodeStart = performance.now();
  const opened = await openSnapshot(
    'bench',
    (async function* () {
      yield* chunks;
    })(),
    digest,
  );
  let decoded = 0;
  for await (const _entry of opened.entries) decoded++;
  const decodeSeconds = (performance.now() - decodeStart) / 1000;
  if (decoded !== users) throw new Error(`decoded ${decoded} of ${users} users`);

  const mb = rawBytes / 1e6;
  return {
    users,
    ndjsonBytes: rawBytes,
    gzipBytes: digest.bytes,
    bytesPerUser: Number((digest.bytes / users).toFixed(1)),
    encodeSeconds: Number(encodeSeconds.toFixed(3)),
    encodeMBps: Number((mb / encodeSeconds).toFixed(1)),
    decodeSeconds: Number(decodeSeconds.toFixed(3)),
    decodeMBps: Number((mb / decodeSeconds).toFixed(1)),
    note: 'MB/s of uncompressed NDJSON (1 MB = 10^6 bytes); decode includes sha256 verification',
  };
}
