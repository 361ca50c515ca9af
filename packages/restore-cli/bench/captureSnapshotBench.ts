import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CognitoReader,
  captureEvent,
  compactFromLog,
  readPoolState,
  SnapshotStore,
  systemClock,
  takeBackup,
} from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { DirectoryBlobStore } from '@cognito-rewind/core/adapters/local';
import { MemoryChangeLog } from '@cognito-rewind/core/adapters/memory';
import { type CognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import {
  applyChange,
  countingReader,
  EVENT_MIX,
  fakeCalls,
  peakRssMiB,
  quotaBound,
  round,
  seconds,
  seedPool,
  sortedCounts,
  sum,
} from './captureShared.js';

/**
 * What an hourly snapshot costs in Cognito calls, two ways, on one pool of synthetic users on the
 * in-memory fake with a set number of changes in the hour:
 *
 * - Design A (ours): capture re-reads only what each CloudTrail event names (counted), and the hourly
 *   snapshot is a compaction of the previous one plus the hour's records: no Cognito call at all.
 * - Design B: re-read the whole pool every hour (`readPoolState`), with the pool's MFA off, and on
 *   (then one AdminGetUser per user, for its MFA settings).
 *
 * Calls are what the fake answered over HTTP, per operation; the least time AWS's default quotas
 * allow for them is computed per category (and per pool for the 5 rps operations).
 */

const USERS = Number(process.env.BENCH_SNAPSHOT_USERS ?? 100_000);
const CHANGES = Number(process.env.BENCH_SNAPSHOT_CHANGES ?? 1_000);
const CLIENTS = 3;

/** Calls of one phase: the fake's per-operation HTTP counts and the reader's method calls. */
async function counted<T>(fake: CognitoFake, readerCalls: Map<string, number>, run: () => Promise<T>) {
  fake.resetCounts();
  readerCalls.clear();
  const start = performance.now();
  const result = await run();
  const wallSeconds = round(seconds(start));
  const callsByOperation = fakeCalls(fake);
  return {
    result,
    wallSeconds,
    calls: sum(callsByOperation),
    callsByOperation,
    readerCalls: sortedCounts(readerCalls),
    quota: quotaBound(callsByOperation),
  };
}

/** Design B: one full read of the pool, as an hourly re-read would make it. */
async function fullRead(
  fake: CognitoFake,
  reader: CognitoReader,
  calls: Map<string, number>,
  poolId: string,
) {
  const { result, ...cost } = await counted(fake, calls, () => readPoolState(reader, poolId));
  return { entities: result.entities.length, userMfaRead: result.userMfaRead, ...cost };
}

export async function captureSnapshotBench(dir: string) {
  mkdirSync(dir, { recursive: true });
  const running = await startCognitoFake({ seed: 11 });
  const { fake } = running;
  const client = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1' });
  const { reader, counts } = countingReader(new AwsCognitoReader(client));
  try {
    const seedStart = performance.now();
    const { poolId, subs } = seedPool(fake, USERS, CLIENTS);
    const seedSeconds = round(seconds(seedStart));

    // Setup (untimed): the previous hour's snapshot, from a first full read, into a directory store.
    const snapshots = new SnapshotStore(new DirectoryBlobStore(join(dir, 'store')));
    const changeLog = new MemoryChangeLog();
    const setupStart = performance.now();
    const base = await takeBackup({ reader, snapshots, changeLog, clock: systemClock }, poolId, undefined, {
      userMfa: false,
    });
    const setupSeconds = round(seconds(setupStart));

    // Design A: the hour's changes, each applied to the fake then captured; spread over the pool.
    const step = Math.max(1, Math.floor(USERS / CHANGES));
    const deps = { reader, changeLog, clock: systemClock };
    const capture = await counted(fake, counts, async () => {
      let records = 0;
      for (let k = 0; k < CHANGES; k++) {
        const i = (k * step) % USERS;
        const operation = EVENT_MIX[k % EVENT_MIX.length] ?? 'AdminDisableUser';
        const event = applyChange(fake, poolId, i, subs[i] ?? '', operation, k + 1);
        records += (await captureEvent(deps, event)).appended.length;
      }
      return records;
    });
    const compaction = await counted(fake, counts, () =>
      compactFromLog({ snapshots, changeLog }, base.manifest, new Date().toISOString(), {
        clock: systemClock,
      }),
    );
    const afterCompactionRss = peakRssMiB();

    const mfaOff = await fullRead(fake, reader, counts, poolId);
    fake.call('SetUserPoolMfaConfig', {
      UserPoolId: poolId,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    const mfaOn = await fullRead(fake, reader, counts, poolId);

    const { result: records, ...captureCost } = capture;
    const { result: manifest, ...compactionCost } = compaction;
    return {
      users: USERS,
      groups: fake.pool(poolId)?.groups.size,
      clients: CLIENTS,
      changesInHour: CHANGES,
      seedSeconds,
      setupSeconds,
      designA: {
        capture: {
          events: CHANGES,
          records,
          ...captureCost,
          callsPerEvent: round(captureCost.calls / CHANGES, 2),
        },
        compaction: {
          ...compactionCost,
          baseBytes: base.manifest.bytes,
          bytes: manifest.bytes,
          counts: manifest.counts,
        },
        cognitoCallsPerHour: captureCost.calls + compactionCost.calls,
        /** Changes per hour at which capture makes as many calls as one full read with MFA off. */
        breakEvenChangesPerHourVsMfaOff: Math.round(mfaOff.calls / (captureCost.calls / CHANGES)),
        breakEvenChangesPerHourVsMfaOn: Math.round(mfaOn.calls / (captureCost.calls / CHANGES)),
        quotaMinSecondsPerHour: captureCost.quota.minSeconds,
        peakRssMiBAfterCompaction: afterCompactionRss,
      },
      designB: { mfaOff, mfaOn },
      note:
        'fake in process, unthrottled (wall times are the fake over loopback HTTP, not AWS); quota seconds = ' +
        "the largest of calls / AWS's default rps per category and calls / 5 per pool for the 5-rps operations; " +
        'design A: capture into a MemoryChangeLog, compaction reads and writes snapshots in a directory store; ' +
        "capture reads the same operations whether the pool's MFA is on or off",
    };
  } finally {
    client.destroy();
    await running.stop();
  }
}
