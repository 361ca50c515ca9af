import { type ChangeLog, type ChangeRecord, changeId, SnapshotStore } from '@cognito-rewind/core';
import {
  createChangeLogTable,
  createDynamoClients,
  createS3Client,
  DynamoChangeLog,
  S3BlobStore,
} from '@cognito-rewind/core/adapters/aws';
import { MemoryBlobStore } from '@cognito-rewind/core/adapters/memory';
import { createBucket, S3RVER_CREDENTIALS, startDynalite, startS3rver } from '@cognito-rewind/emulators';
import { nextUserRecord, syntheticUsers, type UserHead } from './synthetic.js';

/** Store benchmarks against the local stand-ins of the AWS stores: dynalite and s3rver. */

const SEQUENTIAL = Number(process.env.BENCH_APPEND_SEQUENTIAL ?? 2_000);
const CONCURRENT = Number(process.env.BENCH_APPEND_CONCURRENT ?? 4_000);
const TIMELINE = Number(process.env.BENCH_TIMELINE_RECORDS ?? 10_000);
const WORKERS = 16;
/** Entities each writer cycles through: its own, so writers never race for a version. */
const ENTITIES_PER_WORKER = 10;
const T0 = Date.parse('2024-06-01T00:00:00.000Z');

const seconds = (start: number): number => (performance.now() - start) / 1000;
const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
const perSecond = (count: number, secs: number): number => Math.round(count / secs);

/**
 * `workers` lanes of `total` records: lane w appends round-robin over its own entities, each record
 * continuing its entity's chain. Built before any timing, so makeRecord's hashing is not measured.
 */
function lanes(poolId: string, total: number, workers: number): ChangeRecord[][] {
  const out: ChangeRecord[][] = Array.from({ length: workers }, () => []);
  const heads = new Map<number, UserHead>();
  for (let n = 0; n < total; n++) {
    const w = n % workers;
    const i = w * ENTITIES_PER_WORKER + (Math.floor(n / workers) % ENTITIES_PER_WORKER);
    let head = heads.get(i);
    if (head === undefined) {
      head = { version: 0, hash: null };
      heads.set(i, head);
    }
    out[w]?.push(nextUserRecord(poolId, i, head, new Date(T0 + n * 1000).toISOString()));
  }
  return out;
}

/** Appends every lane, the lanes concurrently and each lane's records one after another. */
async function appendLanes(log: ChangeLog, work: ChangeRecord[][]): Promise<number> {
  const start = performance.now();
  await Promise.all(
    work.map(async (lane) => {
      for (const record of lane) {
        const outcome = await log.append(record);
        if (outcome !== 'appended') throw new Error(`record ${record.id} was not appended: ${outcome}`);
      }
    }),
  );
  return seconds(start);
}

/**
 * DynamoChangeLog on dynalite (in this process, on loopback): append throughput one at a time and with
 * 16 concurrent writers, then a full read of one pool's timeline.
 */
export async function changeLogAppendBench() {
  const dynalite = await startDynalite();
  const { client, doc } = createDynamoClients({ endpoint: dynalite.endpoint });
  try {
    const tableName = 'rewind-bench';
    await createChangeLogTable(client, tableName);
    const log = new DynamoChangeLog(doc, { tableName, blobs: new MemoryBlobStore() });

    // Untimed warm-up: connections, JIT, dynalite's first writes.
    await appendLanes(log, lanes('us-east-1_Warmup', 200, WORKERS));
    const sequentialSeconds = await appendLanes(log, lanes('us-east-1_Sequential', SEQUENTIAL, 1));
    const concurrentSeconds = await appendLanes(log, lanes('us-east-1_Concurrent', CONCURRENT, WORKERS));

    const timelinePool = 'us-east-1_Timeline';
    const loadSeconds = await appendLanes(log, lanes(timelinePool, TIMELINE, WORKERS));
    const start = performance.now();
    let read = 0;
    for await (const _record of log.timeline(timelinePool)) read++;
    const timelineSeconds = seconds(start);
    if (read !== TIMELINE) throw new Error(`the timeline held ${read} records, ${TIMELINE} were appended`);

    return {
      store: 'DynamoChangeLog on dynalite (in-process, loopback)',
      sequential: {
        records: SEQUENTIAL,
        seconds: round(sequentialSeconds),
        recordsPerSecond: perSecond(SEQUENTIAL, sequentialSeconds),
      },
      concurrent: {
        workers: WORKERS,
        records: CONCURRENT,
        seconds: round(concurrentSeconds),
        recordsPerSecond: perSecond(CONCURRENT, concurrentSeconds),
      },
      timelineRead: {
        records: read,
        seconds: round(timelineSeconds),
        recordsPerSecond: perSecond(read, timelineSeconds),
        loadSeconds: round(loadSeconds),
        loadRecordsPerSecond: perSecond(TIMELINE, loadSeconds),
      },
      note: 'records are built before timing, after an untimed warm-up of 200 appends; dynalite shares the event loop with the client',
    };
  } finally {
    client.destroy();
    await dynalite.stop();
  }
}

/**
 * A snapshot of `users` synthetic users written to s3rver through SnapshotStore (encode + gzip +
 * multipart upload, streamed), then opened (download + sha256 verify) and decoded (a second download).
 */
export async function snapshotTransferBench(users: number) {
  const s3rver = await startS3rver();
  const client = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
  try {
    const bucket = 'rewind-bench';
    await createBucket(client, bucket);
    const snapshots = new SnapshotStore(new S3BlobStore(client, { bucket }));
    const at = new Date(T0).toISOString();
    const header = {
      poolId: 'us-east-1_Transfer',
      snapshotId: changeId(new Date(T0)),
      at,
      createdAt: at,
      kind: 'scan' as const,
      lastChangeId: null,
      // Not countByKind over every key: an array of a million keys would dwarf what is measured.
      counts: { user: users },
      notCaptured: [],
    };
    let start = performance.now();
    const manifest = await snapshots.write(header, syntheticUsers(users));
    const uploadSeconds = seconds(start);

    start = performance.now();
    const opened = await snapshots.open(manifest);
    const verifySeconds = seconds(start);
    let entities = 0;
    for await (const _entry of opened.entries) entities++;
    const downloadSeconds = seconds(start);
    if (entities !== users) throw new Error(`the snapshot held ${entities} entities, ${users} were written`);

    const mb = manifest.bytes / 1e6;
    return {
      store: 'S3BlobStore on s3rver (child process, loopback)',
      users,
      compressedBytes: manifest.bytes,
      /** 5 MiB parts of a multipart upload; 1 is a single PutObject. */
      parts: Math.ceil(manifest.bytes / (5 * 1024 * 1024)),
      upload: {
        seconds: round(uploadSeconds),
        MBps: round(mb / uploadSeconds, 1),
        entitiesPerSecond: perSecond(users, uploadSeconds),
      },
      downloadVerify: {
        seconds: round(downloadSeconds),
        verifyPassSeconds: round(verifySeconds),
        MBps: round(mb / downloadSeconds, 1),
        entitiesPerSecond: perSecond(users, downloadSeconds),
      },
      note:
        'MB = 10^6 compressed bytes; upload includes encoding, download+verify is two GETs ' +
        '(sha256 pass, then decode pass); peak RSS is this process only, not s3rver',
    };
  } finally {
    client.destroy();
    await s3rver.stop();
  }
}
