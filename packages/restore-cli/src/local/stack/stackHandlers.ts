import type { Burst, BurstThreshold, Clock, CognitoReader } from '@cognito-rewind/core';
import {
  type ArchiveHandler,
  type CaptureHandler,
  captureWiring,
  createArchiveHandler,
  createCaptureHandler,
  createReconcileHandler,
  createSnapshotHandler,
  type ReconcileHandler,
  type SnapshotHandler,
} from '@cognito-rewind/handlers';
import { RecordingChangeLog } from '../../store/recordingChangeLog.js';
import { type HandlerProblem, handlerTelemetry } from './handlerTelemetry.js';
import type { RunningStore } from './stackStore.js';

export interface StackHandlerDeps {
  reader: CognitoReader;
  store: RunningStore['store'];
  clock: Clock;
  /** The pools the stack watches. */
  pools: () => Promise<string[]>;
  /** How long after a finished reconcile of a pool the next one is due. */
  reconcileEveryMs: number;
  /**
   * Changes younger than this are left to capture: longer than the stack's event delay, as the
   * deployed reconcile's 15 minutes are longer than CloudTrail's. @default 60 s
   */
  reconcileGraceMs?: number;
  onProblem: (problem: HandlerProblem) => void;
  /** Capture's burst alarm: announces each burst once (the deployed function puts an EventBridge event). */
  bursts?: { threshold: BurstThreshold; announce: (burst: Burst) => Promise<void> };
}

/** The Lambda handlers of a deployment, made once, over the stack's store and Cognito. */
export interface StackHandlers {
  capture: CaptureHandler;
  /** The scheduled snapshot run over every pool. */
  snapshot: SnapshotHandler;
  /** The same handler over the pools that have no snapshot yet: their first full read, soon. */
  firstRead: SnapshotHandler;
  archive: ArchiveHandler;
  reconcile: ReconcileHandler;
  /** What capture appended since the caller last emptied it, for the console. */
  captured: RecordingChangeLog;
  /**
   * The reason the capture handler logged for a failed message, by message id (for the DLQ). The
   * queue's owner deletes an entry once its message has left the queue: it never outgrows the queue.
   */
  failures: Map<string, string>;
}

export function stackHandlers(deps: StackHandlerDeps): StackHandlers {
  const { reader, store, clock, pools } = deps;
  const failures = new Map<string, string>();
  const onProblem = (problem: HandlerProblem) => {
    if (problem.messageId !== undefined && problem.reason !== undefined)
      failures.set(problem.messageId, problem.reason);
    deps.onProblem(problem);
  };
  const captured = new RecordingChangeLog(store.changeLog);
  const capture = createCaptureHandler({
    reader,
    changeLog: captured,
    snapshots: store.snapshots,
    clock,
    ...(store.trail === undefined ? {} : { trail: store.trail }),
    ...(deps.bursts === undefined ? {} : { bursts: { ...deps.bursts, checkpoints: store.checkpoints } }),
    // What one event cannot tell (a deleted group's members) is asked of the next reconcile, and a
    // public call's client is found in the log, as in the deployed capture Lambda.
    ...captureWiring({ changeLog: store.changeLog, checkpoints: store.checkpoints, clock, pools }),
    ...handlerTelemetry('capture', onProblem),
  });
  const snapshotDeps = { reader, snapshots: store.snapshots, changeLog: store.changeLog, clock };
  const snapshot = createSnapshotHandler({
    ...snapshotDeps,
    pools,
    ...handlerTelemetry('snapshot', onProblem),
  });
  const firstRead = createSnapshotHandler({
    ...snapshotDeps,
    pools: async () => {
      const without: string[] = [];
      for (const poolId of await pools())
        if ((await store.snapshots.oldest(poolId)) === undefined) without.push(poolId);
      return without;
    },
    ...handlerTelemetry('snapshot', onProblem),
  });
  const archive = createArchiveHandler({
    changeLog: store.changeLog,
    blobs: store.blobs,
    checkpoints: store.checkpoints,
    clock,
    pools,
    ...handlerTelemetry('archive', onProblem),
  });
  const reconcile = createReconcileHandler({
    reader,
    changeLog: store.changeLog,
    snapshots: store.snapshots,
    checkpoints: store.checkpoints,
    clock,
    pools,
    every: deps.reconcileEveryMs,
    graceMs: deps.reconcileGraceMs ?? 60_000,
    ...handlerTelemetry('reconcile', onProblem),
  });
  return { capture, snapshot, firstRead, archive, reconcile, captured, failures };
}
