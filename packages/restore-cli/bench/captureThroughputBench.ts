import {
  type CaptureDeps,
  type ChangeLog,
  captureEvent,
  SnapshotStore,
  systemClock,
  takeBackup,
} from '@cognito-rewind/core';
import {
  AwsCognitoReader,
  createChangeLogTable,
  createCognitoClient,
  createDynamoClients,
  DynamoChangeLog,
} from '@cognito-rewind/core/adapters/aws';
import { MemoryBlobStore, MemoryChangeLog } from '@cognito-rewind/core/adapters/memory';
import { startDynalite } from '@cognito-rewind/emulators';
import { type CognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import {
  applyChange,
  countingReader,
  EVENT_MIX,
  fakeCalls,
  latencySummary,
  round,
  seconds,
  seedPool,
  sortedCounts,
  sum,
} from './captureShared.js';

/**
 * Capture throughput: synthetic CloudTrail events (from the capture fixtures) against a pool of
 * synthetic users on the in-memory Cognito fake, each change applied to the fake just before its event
 * is captured, into a MemoryChangeLog or a DynamoChangeLog on dynalite.
 */

const USERS = Number(process.env.BENCH_CAPTURE_USERS ?? 10_000);
const EVENTS = Number(process.env.BENCH_CAPTURE_EVENTS ?? 2_000);
const CONCURRENCY = (process.env.BENCH_CAPTURE_CONCURRENCY ?? '1,16').split(',').map(Number);
const WARMUP = 200;

export type CaptureStoreKind = 'memory' | 'dynamo';

interface OpenLog {
  log: ChangeLog;
  label: string;
  close(): Promise<void>;
}

async function openLog(kind: CaptureStoreKind): Promise<OpenLog> {
  if (kind === 'memory')
    return { log: new MemoryChangeLog(), label: 'MemoryChangeLog', close: async () => {} };
  const dynalite = await startDynalite();
  const { client, doc } = createDynamoClients({ endpoint: dynalite.endpoint });
  const tableName = 'rewind-bench-capture';
  await createChangeLogTable(client, tableName);
  return {
    log: new DynamoChangeLog(doc, { tableName, blobs: new MemoryBlobStore() }),
    label: 'DynamoChangeLog on dynalite (in-process, loopback)',
    close: async () => {
      client.destroy();
      await dynalite.stop();
    },
  };
}

interface RunContext {
  fake: CognitoFake;
  poolId: string;
  subs: string[];
  deps: CaptureDeps;
  readerCalls: Map<string, number>;
}

/** Captures `count` events on users `from…from+count-1`, `concurrency` at a time. */
async function captureRun(ctx: RunContext, from: number, count: number, concurrency: number) {
  ctx.fake.resetCounts();
  ctx.readerCalls.clear();
  const tally = { records: 0, unchanged: 0, forReconcile: 0 };
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < count; k = next++) {
      const i = from + k;
      const operation = EVENT_MIX[k % EVENT_MIX.length] ?? 'AdminDisableUser';
      const started = performance.now();
      const event = applyChange(ctx.fake, ctx.poolId, i, ctx.subs[i] ?? '', operation, k + 1);
      const outcome = await captureEvent(ctx.deps, event);
      latencies.push(performance.now() - started);
      tally.records += outcome.appended.length;
      tally.unchanged += outcome.unchanged.length;
      tally.forReconcile += outcome.forReconcile.length;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = seconds(start);
  const calls = fakeCalls(ctx.fake);
  const readerCalls = sortedCounts(ctx.readerCalls);
  return {
    concurrency,
    events: count,
    seconds: round(wall),
    eventsPerSecond: Math.round(count / wall),
    ...tally,
    perEvent: latencySummary(latencies),
    cognitoCalls: sum(calls),
    cognitoCallsPerEvent: round(sum(calls) / count, 2),
    callsByOperation: calls,
    readerCalls,
    readerCallsPerEvent: round(sum(readerCalls) / count, 2),
  };
}

/**
 * Events/s and Cognito reads per event, at each concurrency, after an untimed warm-up. Every event
 * names its own user (so writers never race for a version) and really changes it, so each is
 * expected to append one record.
 */
export async function captureThroughputBench(kind: CaptureStoreKind) {
  const needed = EVENTS * CONCURRENCY.length + WARMUP;
  if (USERS < needed) throw new Error(`BENCH_CAPTURE_USERS=${USERS}: at least ${needed} needed`);
  const running = await startCognitoFake({ seed: 7 });
  const client = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1' });
  const counted = countingReader(new AwsCognitoReader(client));
  const store = await openLog(kind);
  try {
    const seedStart = performance.now();
    const { poolId, subs } = seedPool(running.fake, USERS);
    const seedSeconds = round(seconds(seedStart));
    // The first full read's baselines: each user's chain has a head, as in a pool already backed up.
    const baselineStart = performance.now();
    const snapshots = new SnapshotStore(new MemoryBlobStore());
    await takeBackup({ reader: counted.reader, snapshots, changeLog: store.log, clock: systemClock }, poolId);
    const baselineSeconds = round(seconds(baselineStart));
    const ctx: RunContext = {
      fake: running.fake,
      poolId,
      subs,
      deps: { reader: counted.reader, changeLog: store.log, clock: systemClock },
      readerCalls: counted.counts,
    };
    await captureRun(ctx, USERS - WARMUP, WARMUP, Math.max(...CONCURRENCY));
    const runs = [];
    for (const [n, concurrency] of CONCURRENCY.entries())
      runs.push(await captureRun(ctx, n * EVENTS, EVENTS, concurrency));
    return {
      store: store.label,
      reader: 'AwsCognitoReader → in-memory Cognito fake (in-process HTTP server, loopback, no throttling)',
      users: USERS,
      seedSeconds,
      baselineSeconds,
      eventMix: [...EVENT_MIX],
      runs,
      note:
        'each event: the change applied to the fake in process (not counted), then captureEvent (resolve sub, ' +
        'pool MFA config, head, re-read, append) on top of the baselines of a first full read (untimed); fake, ' +
        `store and capture share one event loop; untimed warm-up of ${WARMUP} events`,
    };
  } finally {
    client.destroy();
    await store.close();
    await running.stop();
  }
}
