export { DirectoryBlobStore, type DirectoryBlobStoreOptions } from './directoryBlobStore.js';
export { DirectoryChangeLog, type DirectoryChangeLogOptions } from './directoryChangeLog.js';
export { FileRestoreJournal } from './fileRestoreJournal.js';
