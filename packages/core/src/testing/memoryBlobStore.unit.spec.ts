import { blobStoreContract } from './contracts/blobStore.contract.js';
import { MemoryBlobStore } from './memoryBlobStore.js';

blobStoreContract('MemoryBlobStore', async () => ({
  store: new MemoryBlobStore(),
  exclusiveCreate: true,
  cleanup: async () => {},
}));
