// Fakes and launchers usable outside a test runner (the CLI's embedded stack uses them). The contract
// suites import vitest, so they live behind their own subpath: `@cognito-rewind/core/testing/contracts`.
export * from './cognitoFake/index.js';
export { type CognitoLocal, type CognitoLocalOptions, startCognitoLocal } from './cognitoLocal.js';
export { countingReader } from './countingReader.js';
export { type Dynalite, type DynaliteStartOptions, startDynalite } from './dynalite.js';
export { MemoryBlobStore } from './memoryBlobStore.js';
export { MemoryChangeLog } from './memoryChangeLog.js';
export { MemoryCheckpointStore } from './memoryCheckpointStore.js';
export { MemoryEventTrail } from './memoryEventTrail.js';
export { MemorySnapshotCatalog } from './memorySnapshotCatalog.js';
export {
  createBucket,
  deleteBucket,
  S3RVER_CREDENTIALS,
  type S3rver,
  type S3rverOptions,
  startS3rver,
} from './s3rver.js';
