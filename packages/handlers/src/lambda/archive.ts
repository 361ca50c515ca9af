import {
  type ArchiveHandler,
  type ArchiveRunResult,
  createArchiveHandler,
} from '../archive/createArchiveHandler.js';
import { envDeps } from './envDeps.js';

let archive: ArchiveHandler | undefined;

/** Entry point of the archive function (EventBridge schedule). */
export const handler = async (event?: unknown): Promise<ArchiveRunResult> => {
  archive ??= createArchiveHandler(envDeps());
  return archive(event);
};
