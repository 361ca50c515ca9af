export { DirectoryBlobStore, type DirectoryBlobStoreOptions } from './directoryBlobStore.js';
export { DirectoryChangeLog, type DirectoryChangeLogOptions } from './directoryChangeLog.js';
export { DirectoryCheckpointStore } from './directoryCheckpointStore.js';
export { DirectoryEventTrail, type DirectoryEventTrailOptions } from './directoryEventTrail.js';
export { type DirectoryOpenOptions, openDirectoryStore } from './directoryStore.js';
export { FileRestoreJournal } from './fileRestoreJournal.js';
