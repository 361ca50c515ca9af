import {
  createSnapshotHandler,
  type SnapshotHandler,
  type SnapshotRunResult,
} from '../snapshot/createSnapshotHandler.js';
import { envDeps } from './envDeps.js';

let snapshot: SnapshotHandler | undefined;

/** Entry point of the hourly snapshot function (EventBridge schedule). */
export const handler = async (event?: unknown): Promise<SnapshotRunResult> => {
  snapshot ??= createSnapshotHandler(envDeps());
  return snapshot(event);
};
