import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateGroupCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type CaptureDeps, SnapshotStore, systemClock, takeBackup } from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { DirectoryBlobStore, DirectoryChangeLog } from '@cognito-rewind/core/adapters/local';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { startCloudTrailTap } from '../src/local/cloudTrailTap.js';
import { createUser, GROUP, makeCalls, OPERATIONS, oldUser } from './captureLocalCalls.js';
import { CaptureConsumer, type Captured, TimedChangeLog } from './captureLocalConsumer.js';
import { countingReader, latencySummary, round, seconds, sortedCounts, sum } from './captureShared.js';

/**
 * The recovery point of the local pipeline: cognito-local behind the CloudTrail tap, each event the
 * tap emits captured (captureEvent) into a durable DirectoryChangeLog. Measured per API call: from the
 * SDK call resolving to its record being appended.
 */

const CALLS = Number(process.env.BENCH_CAPTURE_LOCAL_CALLS ?? 300);
/** Calls per second of the steady variant. */
const RATE = Number(process.env.BENCH_CAPTURE_LOCAL_RATE ?? 20);
/** Events captured at once unless the variant says (one consumer, in order: one SQS message group per pool). */
const CONSUMERS = Number(process.env.BENCH_CAPTURE_LOCAL_CONSUMERS ?? 1);

export type LocalMode = 'burst' | 'steady';

/** A variant: `burst` or `steady`, optionally `:<consumers>` (`burst:4`). */
export function parseVariant(variant: string): { mode: LocalMode; consumers: number } {
  const [mode, consumers] = variant.split(':');
  if (mode !== 'burst' && mode !== 'steady')
    throw new Error(`capture local variant ${variant}: burst or steady`);
  const n = consumers === undefined ? CONSUMERS : Number(consumers);
  if (!Number.isInteger(n) || n < 1) throw new Error(`capture local variant ${variant}: consumers ≥ 1`);
  return { mode, consumers: n };
}

type Kind = 'ownRecord' | 'covered' | 'noRecord';

/** How call n's change reached the log: its own record, or none because an earlier re-read already held it. */
function classify(captured: Captured, appendedAt: ReadonlyMap<string, number>): { kind: Kind; at?: number } {
  const own = appendedAt.get(captured.eventId);
  if (own !== undefined) return { kind: 'ownRecord', at: own };
  const outcome = captured.outcome;
  if (outcome !== undefined && outcome.unchanged.length > 0 && outcome.forReconcile.length === 0)
    return { kind: 'covered', at: captured.doneAt };
  return { kind: 'noRecord' };
}

function noRecordReason(captured: Captured): string {
  const outcome = captured.outcome;
  if (outcome === undefined) return captured.error ?? 'not captured';
  return outcome.ignored ?? outcome.forReconcile[0] ?? `stale or duplicate (${JSON.stringify(outcome)})`;
}

/** Where the time went: waiting in the queue, then capturing (overall and per operation), in ms. */
function phases(events: readonly Captured[]) {
  const wait: number[] = [];
  const capture: number[] = [];
  const byOperation = new Map<string, number[]>();
  for (const e of events) {
    if (e.startedAt === undefined || e.doneAt === undefined) continue;
    wait.push(e.startedAt - e.emittedAt);
    capture.push(e.doneAt - e.startedAt);
    byOperation.set(e.eventName, [...(byOperation.get(e.eventName) ?? []), e.doneAt - e.startedAt]);
  }
  return {
    queueWait: latencySummary(wait),
    capture: latencySummary(capture),
    captureP50MsByOperation: Object.fromEntries(
      [...byOperation].map(([name, ms]) => [name, latencySummary(ms).p50Ms]),
    ),
  };
}

/** Per call latency (ms) from the SDK call resolving to the append, with how each was reached. */
function latencies(
  made: Awaited<ReturnType<typeof makeCalls>>,
  consumer: CaptureConsumer,
  appendedAt: ReadonlyMap<string, number>,
) {
  if (consumer.events.length !== made.calls.length)
    throw new Error(`the tap emitted ${consumer.events.length} events for ${made.calls.length} calls`);
  const all: number[] = [];
  const own: number[] = [];
  const kinds: Record<Kind, number> = { ownRecord: 0, covered: 0, noRecord: 0 };
  const errors: string[] = [];
  const reasons: string[] = [];
  for (const [n, call] of made.calls.entries()) {
    const captured = consumer.events[n];
    if (captured?.eventName !== call.operation)
      throw new Error(`event ${n} is ${captured?.eventName}, the call was ${call.operation}`);
    if (captured.error !== undefined) errors.push(captured.error);
    const { kind, at } = classify(captured, appendedAt);
    kinds[kind]++;
    if (kind === 'noRecord') reasons.push(`${call.operation}: ${noRecordReason(captured)}`);
    if (at === undefined) continue;
    const ms = Math.max(0, at - (made.resolvedAt[n] ?? at));
    all.push(ms);
    if (kind === 'ownRecord') own.push(ms);
  }
  return { all, own, kinds, errors, reasons };
}

/**
 * One run on a fresh cognito-local: a pool with a custom attribute, a group and the users the run
 * deletes, a first full backup (deletions are named from the recorded state: CloudTrail gives a sub,
 * and Cognito no longer has the user), then the calls through the tap.
 */
export async function captureLocalBench(dir: string, variant: string) {
  const { mode, consumers } = parseVariant(variant);
  mkdirSync(dir, { recursive: true });
  const local = await startCognitoLocal({ dataDir: join(dir, 'cognito-local') });
  const root = join(dir, 'store');
  const changeLog = new TimedChangeLog(new DirectoryChangeLog(root, { durable: true }));
  const snapshots = new SnapshotStore(new DirectoryBlobStore(root));
  const reader = new AwsCognitoReader({ endpoint: local.endpoint, region: 'us-east-1' });
  const counted = countingReader(reader);
  const deps: CaptureDeps = { reader: counted.reader, changeLog, clock: systemClock, snapshots };
  const consumer = new CaptureConsumer(deps, consumers);
  const tap = await startCloudTrailTap({ target: local.endpoint, onEvent: (event) => consumer.push(event) });
  const direct = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1' });
  const cognito = createCognitoClient({ endpoint: tap.endpoint, region: 'us-east-1' });
  try {
    // Setup, straight to cognito-local (no events): pool, group, old users, the first full read.
    const created = await direct.send(
      new CreateUserPoolCommand({
        PoolName: 'bench-capture-local',
        Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
      }),
    );
    const poolId = created.UserPool?.Id ?? '';
    await direct.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: GROUP }));
    for (let user = 0; user < Math.ceil(CALLS / OPERATIONS.length); user++)
      await createUser(direct, poolId, oldUser(user));
    await takeBackup({ reader: counted.reader, snapshots, changeLog, clock: systemClock }, poolId);
    counted.counts.clear();

    const made = await makeCalls(cognito, poolId, CALLS, mode === 'steady' ? RATE : undefined);
    await tap.idle();
    await consumer.drained();
    const drainedSeconds = seconds(made.start);
    const { all, own, kinds, errors, reasons } = latencies(made, consumer, changeLog.appendedAt);
    const readerCalls = sortedCounts(counted.counts);
    return {
      mode,
      calls: made.calls.length,
      callMix: [...OPERATIONS],
      ratePerSecond: mode === 'steady' ? RATE : undefined,
      callsSeconds: round(made.seconds),
      achievedCallsPerSecond: round(made.calls.length / made.seconds, 1),
      lastCaptureSeconds: round(drainedSeconds),
      consumers,
      sdkCall: latencySummary(made.callMs),
      recoveryPoint: latencySummary(all),
      recoveryPointOwnRecord: latencySummary(own),
      ...phases(consumer.events),
      ...kinds,
      captureErrors: errors.length,
      firstError: errors[0],
      noRecordReasons: reasons.slice(0, 5),
      readerCalls,
      readerCallsPerEvent: round(sum(readerCalls) / made.calls.length, 2),
      note:
        'cognito-local (child process) behind the CloudTrail tap (this process); capture in this process into a ' +
        'durable DirectoryChangeLog (fsync per append). recoveryPoint: SDK call resolved → append of the record ' +
        "naming its event resolved; 'covered' calls wrote no record of their own (an earlier re-read already " +
        'held the change): their time is to the end of their capture',
    };
  } finally {
    direct.destroy();
    cognito.destroy();
    reader.close();
    await tap.stop();
    await local.stop();
  }
}
