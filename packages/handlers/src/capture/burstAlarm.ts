import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  BURST_DETAIL_TYPE,
  BURST_EVENT_SOURCE,
  type Burst,
  type BurstThreshold,
  burstEventDetail,
  burstThreshold,
  readSetting,
} from '@cognito-rewind/core';
import { isLoopbackEndpoint } from '@cognito-rewind/core/adapters/aws';
import { BurstAlarmRefusedError } from '../errors.js';

/**
 * Puts one event on the account's default bus per burst: source `cognito-rewind`, detail-type
 * `Cognito Rewind burst`, the detail `burstEventDetail` makes (pool, caller, window, counts, the
 * restore command; no user names). The infrastructure's rule sends it to the alarm topic.
 */
export function eventBridgeAnnouncer(
  client: EventBridgeClient,
  threshold: BurstThreshold,
): (burst: Burst) => Promise<void> {
  return async (burst) => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: BURST_EVENT_SOURCE,
            DetailType: BURST_DETAIL_TYPE,
            Detail: JSON.stringify(burstEventDetail(burst, threshold)),
            Resources: [],
          },
        ],
      }),
    );
    const failed = answer.Entries?.find((entry) => entry.ErrorCode !== undefined);
    if ((answer.FailedEntryCount ?? 0) > 0 || failed !== undefined)
      throw new BurstAlarmRefusedError(failed?.ErrorCode, failed?.ErrorMessage);
  };
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The burst alarm's settings from the capture function's environment: `REWIND_BURST_COUNT` and
 * `REWIND_BURST_MINUTES` (default 50 in 5), and `REWIND_EVENTBRIDGE_ENDPOINT` (a loopback server in
 * tests; default: EventBridge in `AWS_REGION`).
 */
export function burstAlarmFromEnv(env: NodeJS.ProcessEnv): {
  threshold: BurstThreshold;
  client: EventBridgeClient;
} {
  const threshold = burstThreshold(
    { count: readSetting(env, 'burstCount'), minutes: readSetting(env, 'burstMinutes') },
    { count: 'REWIND_BURST_COUNT', minutes: 'REWIND_BURST_MINUTES' },
  );
  const endpoint = readSetting(env, 'eventBridgeEndpoint');
  const local = endpoint !== undefined && isLoopbackEndpoint(endpoint) && env.AWS_ACCESS_KEY_ID === undefined;
  const client = new EventBridgeClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(env.AWS_REGION === undefined
      ? endpoint === undefined
        ? {}
        : { region: 'us-east-1' }
      : { region: env.AWS_REGION }),
    ...(local ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
  return { threshold, client };
}
