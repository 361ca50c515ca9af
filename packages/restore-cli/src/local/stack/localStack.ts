import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BurstThreshold,
  type Clock,
  DEFAULT_BURST_THRESHOLD,
  InvalidInputError,
  systemClock,
} from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { type CognitoLocal, startCognitoLocal } from '@cognito-rewind/emulators';
import { type CloudTrailTap, startCloudTrailTap, type TapFaults } from '../cloudTrailTap.js';
import { errorText } from './errorText.js';
import { listPools } from './listPools.js';
import type { DeliveryOrder } from './localQueueOptions.js';
import { runEvery } from './runEvery.js';
import { localBurstAlarm } from './stackBursts.js';
import { openCaptureQueue } from './stackCaptureQueue.js';
import { watchDamage } from './stackDamage.js';
import { isStackRunning, readStackFile, type StackInfo, writeStackFile } from './stackFile.js';
import { stackHandlers } from './stackHandlers.js';
import { type ScheduleOptions, type StackSchedule, startSchedule } from './stackSchedule.js';
import { type RunningStore, type StackStoreKind, startStackStore } from './stackStore.js';
import { stackTiming } from './stackTiming.js';

/**
 * The whole pipeline on one machine: cognito-local behind the CloudTrail tap; every event onto a
 * local queue that feeds the capture handler in SQS batches (redelivery, a DLQ file); the snapshot,
 * archive and reconcile jobs on a schedule; all of it writing to a directory store or, with
 * `store: 'aws'`, to the AWS adapters on dynalite and s3rver. The handlers are the deployed ones.
 */

export const DEFAULT_PORT = 9229;
export const REGION = 'us-east-1';

export interface LocalStackOptions extends Partial<ScheduleOptions> {
  /** Absolute: everything lives under it (`local/` for the servers' data, `store/` for backups). */
  readonly dir: string;
  /** The Cognito endpoint's port; 0 picks a free one. @default 9229 */
  readonly port?: number;
  /** @default 'directory' */
  readonly store?: StackStoreKind;
  /** Delivery faults between the tap and the queue (tests). */
  readonly faults?: TapFaults;
  readonly clock?: Clock;
  /** Write `<dir>/local/stack.json` for `--local` and other tools. @default true */
  readonly stackFile?: boolean;
  /** What the stack did, a line at a time (captures, snapshots, reconciles). */
  readonly onActivity?: (line: string) => void;
  /** Capture's burst alarm threshold. @default DEFAULT_BURST_THRESHOLD (50 calls in 5 minutes) */
  readonly burstThreshold?: BurstThreshold;
  /** What went wrong (a handler's warning or error, a dead letter, a failed job). */
  readonly onProblem?: (line: string) => void;
  /**
   * How long each event the tap emits is held before capture can receive it, as CloudTrail takes
   * minutes to deliver one in AWS (about 5). @default 0
   */
  readonly eventDelayMs?: number;
  /**
   * `shuffled`: events due at about the same time (within a second) reach capture in a random order,
   * as CloudTrail, EventBridge and SQS deliver them. @default 'in-order'
   */
  readonly eventOrder?: DeliveryOrder;
}

export interface LocalStack {
  /** Where to point Cognito clients: the tap, so every change is captured. */
  readonly cognitoEndpoint: string;
  readonly region: string;
  readonly store: RunningStore['store'];
  readonly info: StackInfo;
  /** The pools it watches: every pool on cognito-local. */
  pools(): Promise<string[]>;
  /** Waits until every call made so far is captured, new pools read and requested reconciles run. */
  settle(): Promise<void>;
  readonly jobs: Omit<StackSchedule, 'stop'>;
  /**
   * Runs `work` with capture held: its calls' events wait in the queue and are captured once it ends,
   * as CloudTrail's minutes of delivery delay have it in AWS.
   */
  withCaptureHeld<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Stops taking calls, drains the queue, ends the jobs at a checkpoint, stops every server, marks the
   * stack file stopped: each step even when one before it failed, the failures thrown together after.
   *
   * cognito-local and s3rver run in process groups of their own, so a terminal's Ctrl-C reaches this
   * process alone and they serve the drain; this is what stops them. When this process ends without
   * it: on a normal exit (a second Ctrl-C included) they are killed on its `exit` event; when it is
   * killed or crashes without one, each stops itself as its stdin pipe from this process closes;
   * dynalite runs in this process. The stack file then still says running, with a pid no process has,
   * which the next start and `--local` take for a stack that is not running. Every event the tap
   * answered a call for is in the capture queue's journal (`<dir>/local/capture-queue.ndjson`): the
   * next start captures what is left of them before anything else.
   */
  stop(): Promise<void>;
}

async function refuseSecondStack(dir: string): Promise<void> {
  const info = await readStackFile(dir);
  if (info !== undefined && isStackRunning(info))
    throw new InvalidInputError(
      `a local stack is already running in ${dir} (pid ${info.pid}, Cognito at ${info.cognitoEndpoint}): stop it, or give another --dir`,
    );
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { dir } = options;
  const clock = options.clock ?? systemClock;
  await mkdir(join(dir, 'local'), { recursive: true });
  await refuseSecondStack(dir);
  const undo: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    const [cognito, running] = await startServers(options, clock, undo);
    return await assemble(options, clock, cognito, running, undo);
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** cognito-local and the store's servers, side by side; whichever started is stopped on failure. */
async function startServers(
  options: LocalStackOptions,
  clock: Clock,
  undo: (() => Promise<void>)[],
): Promise<[CognitoLocal, RunningStore]> {
  const [cognito, running] = await Promise.allSettled([
    startCognitoLocal({
      dataDir: join(options.dir, 'local', 'cognito-local'),
      // A terminal's Ctrl-C signals its whole process group: cognito-local must outlive it until the
      // queue has drained (capture re-reads Cognito), and is stopped by `stop()` after that.
      ownProcessGroup: true,
    }),
    startStackStore(options.store ?? 'directory', options.dir, clock),
  ]);
  if (cognito.status === 'fulfilled') undo.push(() => cognito.value.stop());
  if (running.status === 'fulfilled') undo.push(() => running.value.stop());
  if (cognito.status === 'rejected') throw cognito.reason;
  if (running.status === 'rejected') throw running.reason;
  return [cognito.value, running.value];
}

async function assemble(
  options: LocalStackOptions,
  clock: Clock,
  cognito: CognitoLocal,
  running: RunningStore,
  undo: (() => Promise<void>)[],
): Promise<LocalStack> {
  const activity = options.onActivity ?? (() => {});
  const problem = options.onProblem ?? (() => {});
  const { store } = running;
  // The handlers read Cognito directly: reads are not changes, and the tap would only pass them on.
  const client = createCognitoClient({ endpoint: cognito.endpoint, region: REGION });
  undo.push(async () => client.destroy());
  const reader = new AwsCognitoReader(client);
  const pools = () => listPools(client);
  const timing = stackTiming(options);
  const handlers = stackHandlers({
    reader,
    store,
    clock,
    pools,
    reconcileEveryMs: timing.reconcileEveryMs,
    // Longer than the events are held: a reconcile never takes a change whose event is on its way.
    reconcileGraceMs: Math.max(60_000, (options.eventDelayMs ?? 0) + 30_000),
    onProblem: (p) => problem(`${p.handler}: ${p.message}${p.reason === undefined ? '' : `: ${p.reason}`}`),
    bursts: {
      threshold: options.burstThreshold ?? DEFAULT_BURST_THRESHOLD,
      announce: localBurstAlarm(options.dir, options.burstThreshold ?? DEFAULT_BURST_THRESHOLD, activity),
    },
  });
  const eventDelayMs = options.eventDelayMs ?? 0;
  const eventOrder = options.eventOrder ?? 'in-order';
  const {
    queue,
    journal,
    deadLetters,
    release: releaseQueue,
  } = await openCaptureQueue({
    dir: options.dir,
    handlers,
    region: REGION,
    eventDelayMs,
    eventOrder,
    activity,
    problem,
  });
  // Held until the stack is whole; one that fails to start leaves its queue on disk.
  undo.push(() => queue.abandon());
  const tap: CloudTrailTap = await startCloudTrailTap({
    target: cognito.endpoint,
    region: REGION,
    // The call is answered once its event is on disk; one that could not be written is still
    // delivered from memory, only not kept across a crash.
    onEvent: (event) =>
      queue
        .send(event)
        .catch((error: unknown) =>
          problem(
            `capture queue: could not keep an event in ${journal.path} (${errorText(error)}): it is captured unless the stack dies first`,
          ),
        ),
    port: options.port ?? DEFAULT_PORT,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  undo.push(() => tap.stop());
  const schedule = startSchedule(
    {
      handlers,
      pools,
      activity,
      problem,
      beforeStartup: () => queue.recovered(),
      damage: watchDamage(running.store.changeLog, pools),
    },
    timing,
  );
  undo.push(() => schedule.stop());
  const info: StackInfo = {
    status: 'running',
    pid: process.pid,
    startedAt: clock.now().toISOString(),
    cognitoEndpoint: tap.endpoint,
    region: REGION,
    store: running.info,
    deadLetters,
    captureQueue: { journal: journal.path, eventDelayMs, eventOrder },
  };
  if (options.stackFile !== false) await writeStackFile(options.dir, info);
  releaseQueue();

  let stopped: Promise<void> | undefined;
  // The order a deployment drains in: no new calls, every event captured, jobs to a checkpoint. Each
  // step runs even when one before it failed: every server is stopped, the stack file marked stopped.
  const stop = () => {
    undo.splice(0);
    return runEvery('stopping the local stack', [
      () => tap.stop(),
      () => queue.close(),
      () => schedule.stop(),
      () => client.destroy(),
      () => running.stop(),
      () => cognito.stop(),
      () =>
        options.stackFile === false ||
        writeStackFile(options.dir, { ...info, status: 'stopped', stoppedAt: clock.now().toISOString() }),
    ]);
  };
  const { stop: _stop, ...jobs } = schedule;
  return {
    cognitoEndpoint: tap.endpoint,
    region: REGION,
    store,
    info,
    jobs,
    pools,
    withCaptureHeld: async (work) => {
      const release = queue.hold();
      try {
        return await work();
      } finally {
        release();
      }
    },
    settle: async () => {
      await tap.flush();
      await queue.drained();
      await schedule.pollNow();
      await queue.drained();
    },
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}
