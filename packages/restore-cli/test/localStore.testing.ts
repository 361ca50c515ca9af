import { type Store, systemClock } from '@cognito-rewind/core';
import { openStore } from '@cognito-rewind/core/adapters';

/** The directory store at `dir`, as the CLI opens it. */
export const openLocalStore = (dir: string, { mustExist }: { mustExist: boolean }): Store =>
  openStore({ kind: 'directory', dir }, { mustExist, cwd: process.cwd(), env: {}, clock: systemClock });
