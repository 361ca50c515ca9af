import { changeLogContract } from './contracts/changeLog.contract.js';
import { MemoryChangeLog } from './memoryChangeLog.js';

changeLogContract('MemoryChangeLog', async () => {
  const log = new MemoryChangeLog();
  return { log, reopen: async () => log, cleanup: async () => {} };
});
