import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Checkpoint } from '../../checkpoints/checkpoint.js';
import { checkCheckpointName, checkpointJson, checkRevision } from '../../checkpoints/checkpointName.js';
import { CheckpointConflictError, CheckpointCorruptError } from '../../errors.js';
import { checkpointPath } from '../../layout/storeLayout.js';
import type { JsonObject } from '../../model/json.js';
import type { CheckpointStore } from '../../ports.js';
import { withFileLock } from './fileLock.js';
import { ignoreMissing, readTextIfExists, syncDirectory } from './fsUtil.js';

/**
 * Checkpoints as files under `<dir>/checkpoints/<name>.json`. A put holds the name's lock file across
 * read-compare-write, and replaces the file by rename, so a reader (another process) sees the old
 * value or the new one, never half of one, and two writers can never both win one revision.
 */
export class DirectoryCheckpointStore implements CheckpointStore {
  private readonly root: string;

  constructor(dir: string) {
    this.root = dir;
  }

  async get(name: string): Promise<Checkpoint | undefined> {
    checkCheckpointName(name);
    return this.read(name);
  }

  async put(name: string, value: JsonObject, expectedRevision: number | undefined): Promise<number> {
    checkCheckpointName(name);
    checkRevision(expectedRevision);
    const json = checkpointJson(value);
    const file = this.fileOf(name);
    await mkdir(dirname(file), { recursive: true });
    return withFileLock(
      `${file}.lock`,
      async () => {
        const current = (await this.read(name))?.revision;
        if (current !== expectedRevision) throw new CheckpointConflictError(name, expectedRevision);
        const revision = (current ?? 0) + 1;
        const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        try {
          await writeFile(temp, `${JSON.stringify({ revision, value: JSON.parse(json) })}\n`, {
            flush: true,
          });
          await rename(temp, file);
        } catch (error) {
          await unlink(temp).catch(ignoreMissing);
          throw error;
        }
        await syncDirectory(dirname(file));
        return revision;
      },
      { timeoutMs: 10_000 },
    );
  }

  async delete(name: string): Promise<void> {
    checkCheckpointName(name);
    const file = this.fileOf(name);
    // Under the name's lock: a put in flight finishes first, and never resurrects a half-deleted name.
    await withFileLock(`${file}.lock`, () => unlink(file).catch(ignoreMissing), { timeoutMs: 10_000 }).catch(
      (error: unknown) => {
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
      },
    );
  }

  private fileOf(name: string): string {
    return join(this.root, checkpointPath(name));
  }

  private async read(name: string): Promise<Checkpoint | undefined> {
    const file = this.fileOf(name);
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as { revision?: unknown; value?: unknown };
      if (
        typeof parsed.revision === 'number' &&
        typeof parsed.value === 'object' &&
        parsed.value !== null &&
        !Array.isArray(parsed.value)
      )
        return { revision: parsed.revision, value: parsed.value as JsonObject };
    } catch {
      // reported below: a checkpoint that does not parse is damage, never a fresh start
    }
    throw new CheckpointCorruptError(file, 'the checkpoint file is not {revision, value} JSON');
  }
}
