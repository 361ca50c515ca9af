import { changeLogContract } from '@cognito-rewind/testkit/contracts';
import { MemoryChangeLog } from './memoryChangeLog.js';

changeLogContract('MemoryChangeLog', async () => {
  const log = new MemoryChangeLog();
  return { log, reopen: async () => log, cleanup: async () => {} };
});
