import type { Clock } from '@cognito-rewind/core';
import type { IoHost } from './ioHost.js';

/** What every command gets: where to write, what time it is, and the environment. */
export interface CommandContext {
  io: IoHost;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
