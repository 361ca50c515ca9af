export { type AuditStoreFixture, auditContract } from './audit.contract.js';
export * from './audit.scenario.js';
export { type BlobStoreFixture, blobStoreContract } from './blobStore.contract.js';
export { type ChangeLogFixture, changeLogContract } from './changeLog.contract.js';
export { type CheckpointStoreFixture, checkpointStoreContract } from './checkpointStore.contract.js';
export {
  type CognitoReaderFixture,
  type CognitoSupport,
  cognitoReaderContract,
} from './cognitoReader.contract.js';
export * from './cognitoReader.sample.js';
export {
  type CognitoWriterFixture,
  type CognitoWriterSupport,
  cognitoWriterContract,
} from './cognitoWriter.contract.js';
export { type EventTrailFixture, eventTrailContract } from './eventTrail.contract.js';
export * from './eventTrail.entries.js';
export { type SnapshotCatalogFixture, snapshotCatalogContract } from './snapshotCatalog.contract.js';
