export {
  type ArchivePoolDeps,
  archiveCheckpointName,
  type PoolArchive,
  SEGMENT_RECORDS,
} from './archive/archivePool.js';
export {
  type ArchiveHandler,
  type ArchiveHandlerDeps,
  type ArchiveRunResult,
  createArchiveHandler,
} from './archive/createArchiveHandler.js';
export type { CaptureCounts } from './capture/captureCounts.js';
export { captureWiring, reconcileRequester } from './capture/captureWiring.js';
export {
  type CaptureHandler,
  type CaptureHandlerDeps,
  createCaptureHandler,
} from './capture/createCaptureHandler.js';
export { parseRecordBody } from './capture/parseRecordBody.js';
export type { PoolFailure } from './commons/eachPool.js';
export {
  HANDLER_METRICS,
  HANDLER_SERVICE_NAMES,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  type MetricDefinition,
  type MetricUnitName,
} from './commons/metricNames.js';
export { type HandlerDeps, handlerDepsFromEnv } from './env/handlerDepsFromEnv.js';
export { type HandlerEnv, readHandlerEnv, readPoolIds } from './env/handlerEnv.js';
export { HandlerConfigError, MalformedEventError } from './errors.js';
export { FUNCTION_PERMISSIONS, type FunctionName, KMS_ACTIONS } from './lambda/permissions.js';
export {
  createReconcileHandler,
  type PoolReconcile,
  type ReconcileHandler,
  type ReconcileHandlerDeps,
  type ReconcileRunResult,
  type RemainingTime,
} from './reconcile/createReconcileHandler.js';
export {
  createSnapshotHandler,
  type SnapshotHandler,
  type SnapshotHandlerDeps,
  type SnapshotRunResult,
} from './snapshot/createSnapshotHandler.js';
export type { PoolSnapshot, SnapshotPoolDeps } from './snapshot/snapshotPool.js';
