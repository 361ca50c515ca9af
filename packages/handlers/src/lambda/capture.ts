import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { burstAlarmFromEnv, eventBridgeAnnouncer } from '../capture/burstAlarm.js';
import { captureWiring } from '../capture/captureWiring.js';
import { type CaptureHandler, createCaptureHandler } from '../capture/createCaptureHandler.js';
import { envDeps } from './envDeps.js';

let capture: CaptureHandler | undefined;

/** Entry point of the capture function (SQS event source with `ReportBatchItemFailures`). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  if (capture === undefined) {
    const deps = envDeps();
    const alarm = burstAlarmFromEnv(process.env);
    const announce = eventBridgeAnnouncer(alarm.client, alarm.threshold);
    capture = createCaptureHandler({
      ...deps,
      ...captureWiring(deps),
      bursts: { checkpoints: deps.checkpoints, threshold: alarm.threshold, announce },
    });
  }
  return capture(event, context);
};
