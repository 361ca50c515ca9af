import { blobStoreContract } from '@cognito-rewind/testkit/contracts';
import { MemoryBlobStore } from './memoryBlobStore.js';

blobStoreContract('MemoryBlobStore', async () => ({
  store: new MemoryBlobStore(),
  exclusiveCreate: true,
  cleanup: async () => {},
}));
