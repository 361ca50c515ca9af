import { open } from 'node:fs/promises';

/** The `code` of a Node system error (`ENOENT`, `EEXIST`, …), or undefined for anything else. */
export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/** Swallow "no such file": for cleanups of files that may never have been created. */
export function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}

/** fsync a directory, so a file just created or linked in it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
