import { type FileHandle, open, readFile } from 'node:fs/promises';

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

/** A text file's content, or undefined when it does not exist (yet). */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether a line-per-entry file ends in the middle of a line (a writer killed mid-write): the next
 * entry must then start with a newline, so it stands on a line of its own.
 */
export async function endsMidLine(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  return (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
}
