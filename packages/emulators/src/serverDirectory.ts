import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a server keeps its data: the directory given, else a new temporary one, removed once it stops. */
export async function serverDirectory(
  given: string | undefined,
  prefix: string,
): Promise<{ path: string; removeIfTemporary: () => Promise<void> }> {
  if (given !== undefined) return { path: given, removeIfTemporary: async () => {} };
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, removeIfTemporary: () => rm(path, { recursive: true, force: true }) };
}
