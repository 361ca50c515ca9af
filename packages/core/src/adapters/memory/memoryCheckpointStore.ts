import type { Checkpoint } from '../../checkpoints/checkpoint.js';
import { checkCheckpointName, checkpointJson, checkRevision } from '../../checkpoints/checkpointName.js';
import { CheckpointConflictError } from '../../errors.js';
import type { JsonObject } from '../../model/json.js';
import type { CheckpointStore } from '../../ports.js';

/** Checkpoints in memory, stored as JSON text so a caller's later edits never reach a stored value. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly entries = new Map<string, { json: string; revision: number }>();

  async get(name: string): Promise<Checkpoint | undefined> {
    checkCheckpointName(name);
    const entry = this.entries.get(name);
    return entry && { value: JSON.parse(entry.json) as JsonObject, revision: entry.revision };
  }

  async put(name: string, value: JsonObject, expectedRevision: number | undefined): Promise<number> {
    checkCheckpointName(name);
    checkRevision(expectedRevision);
    const json = checkpointJson(value);
    const current = this.entries.get(name)?.revision;
    if (current !== expectedRevision) throw new CheckpointConflictError(name, expectedRevision);
    const revision = (current ?? 0) + 1;
    this.entries.set(name, { json, revision });
    return revision;
  }

  async delete(name: string): Promise<void> {
    checkCheckpointName(name);
    this.entries.delete(name);
  }
}
