import fastJsonPatch from 'fast-json-patch';
import { deepEqual, type JsonObject } from '../model/json.js';
import type { ChangeRecord } from './changeRecord.js';
import { recordHash } from './hash.js';

export interface ChainProblem {
  entity: string;
  version: number;
  problem: string;
}

/**
 * Checks one entity's records (in version order) for gaps, broken links, altered bodies and patches
 * that do not lead to the after-image. `base` is the entity as the chain starts from (a snapshot).
 */
export function verifyChain(
  records: readonly ChangeRecord[],
  base: { version: number; hash: string | null; doc: JsonObject | null } = {
    version: 0,
    hash: null,
    doc: null,
  },
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let previous = base;
  for (const record of records) {
    const report = (problem: string) =>
      problems.push({ entity: record.entity, version: record.version, problem });
    if (record.version !== previous.version + 1)
      report(`expected version ${previous.version + 1}, found ${record.version}`);
    if (previous.hash !== null && record.prevHash !== previous.hash)
      report('prevHash does not match the previous record');
    if (recordHash(record) !== record.hash) report('hash does not match the record body');
    if (!patchLeadsTo(previous.doc, record)) report('patch does not produce the after-image');
    previous = { version: record.version, hash: record.hash, doc: record.after };
  }
  return problems;
}

/** A patch that cannot even apply (a path that does not exist) is as wrong as one that misses. */
function patchLeadsTo(before: JsonObject | null, record: ChangeRecord): boolean {
  try {
    const patched = fastJsonPatch.applyPatch(
      structuredClone(before ?? {}),
      record.patch,
      true,
      false,
    ).newDocument;
    return deepEqual(patched as JsonObject, record.after ?? {});
  } catch {
    return false;
  }
}
