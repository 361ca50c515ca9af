// Fakes and launchers usable outside a test runner (the CLI's embedded stack uses them). The contract
// suites import vitest, so they live behind their own subpath: `@cognito-rewind/core/testing/contracts`.
export * from './cognitoFake/index.js';
export { type CognitoLocal, type CognitoLocalOptions, startCognitoLocal } from './cognitoLocal.js';
export { MemoryBlobStore } from './memoryBlobStore.js';
export { MemoryChangeLog } from './memoryChangeLog.js';
