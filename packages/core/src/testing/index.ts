export { type BlobStoreFixture, blobStoreContract } from './contracts/blobStore.contract.js';
export { type ChangeLogFixture, changeLogContract } from './contracts/changeLog.contract.js';
export { MemoryBlobStore } from './memoryBlobStore.js';
export { MemoryChangeLog } from './memoryChangeLog.js';
export * from './cognitoFake/index.js';
export { type CognitoLocal, type CognitoLocalOptions, startCognitoLocal } from './cognitoLocal.js';
export {
  type CognitoReaderFixture,
  type CognitoSupport,
  cognitoReaderContract,
} from './contracts/cognitoReader.contract.js';
