import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { captureWiring } from '../capture/captureWiring.js';
import { type CaptureHandler, createCaptureHandler } from '../capture/createCaptureHandler.js';
import { envDeps } from './envDeps.js';

let capture: CaptureHandler | undefined;

/** Entry point of the capture function (SQS event source with `ReportBatchItemFailures`). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  if (capture === undefined) {
    const deps = envDeps();
    capture = createCaptureHandler({ ...deps, ...captureWiring(deps) });
  }
  return capture(event, context);
};
