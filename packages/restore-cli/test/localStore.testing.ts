import { systemClock } from '@cognito-rewind/core';
import { openStore, type Store } from '../src/store/openStore.js';

/** The directory store at `dir`, as the CLI opens it. */
export const openLocalStore = (dir: string, { mustExist }: { mustExist: boolean }): Store =>
  openStore({ kind: 'directory', dir }, { mustExist, cwd: process.cwd(), env: {}, clock: systemClock });
