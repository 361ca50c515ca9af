export { MemoryBlobStore } from './memoryBlobStore.js';
export { MemoryChangeLog } from './memoryChangeLog.js';
