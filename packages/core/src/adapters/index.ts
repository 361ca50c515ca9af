export { type OpenStoreOptions, openReadyStore, openStore } from './openStore.js';
