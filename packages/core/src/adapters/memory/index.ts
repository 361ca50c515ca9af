// In-memory adapters: the same ports as the directory and AWS adapters, passing the same contract
// suites. For tests, benches and embedding; nothing here survives the process.
export { MemoryBlobStore } from './memoryBlobStore.js';
export { MemoryChangeLog } from './memoryChangeLog.js';
export { MemoryCheckpointStore } from './memoryCheckpointStore.js';
export { MemoryEventTrail } from './memoryEventTrail.js';
export { MemoryRestoreJournal } from './memoryRestoreJournal.js';
export { MemorySnapshotCatalog } from './memorySnapshotCatalog.js';
