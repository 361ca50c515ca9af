import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Burst, type BurstThreshold, burstEventDetail } from '@cognito-rewind/core';

/** Where the local stack keeps the burst alarms capture raised, one JSON line each. */
export const burstFilePath = (dir: string): string => join(dir, 'local', 'bursts.ndjson');

/**
 * The local stand-in for the deployed burst alarm's EventBridge event: the same detail, appended to
 * `<dir>/local/bursts.ndjson` and printed as one line with the dry run that undoes it.
 */
export function localBurstAlarm(
  dir: string,
  threshold: BurstThreshold,
  print: (line: string) => void,
): (burst: Burst) => Promise<void> {
  const path = burstFilePath(dir);
  return async (burst) => {
    const detail = burstEventDetail(burst, threshold);
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, `${JSON.stringify(detail)}\n`);
    print(
      `burst alarm: ${detail.total} destructive calls by ${detail.caller} on ${detail.poolId} from ${detail.window.start} to ${detail.window.end}; undo: ${detail.restore.dryRun} (kept in ${path})`,
    );
  };
}
