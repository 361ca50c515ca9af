import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../model/json.js';
import type { ChangeRecord } from './changeRecord.js';
import { makeRecord } from './makeRecord.js';
import { verifyChain } from './verifyChain.js';

const at = (s: number) => new Date(Date.UTC(2024, 5, 1, 10, 0, s)).toISOString();

function chain(docs: (JsonObject | null)[]): ChangeRecord[] {
  const records: ChangeRecord[] = [];
  let head = { version: 0, hash: null as string | null, doc: null as JsonObject | null };
  docs.forEach((after, i) => {
    const record = makeRecord({
      poolId: 'eu-west-1_abc',
      entity: 'user:ops/dave',
      head,
      after,
      validFrom: at(i),
      observedAt: at(i),
      source: 'reconcile',
    });
    records.push(record);
    head = { version: record.version, hash: record.hash, doc: after };
  });
  return records;
}

describe('change records', () => {
  it('carry an RFC 6902 patch, the after-image, a version and a hash chain', () => {
    const [created, updated, deleted] = chain([{ a: 1 }, { a: 2, b: 'x' }, null]);
    expect(created?.version).toBe(1);
    expect(created?.prevHash).toBeNull();
    expect(updated?.patch).toEqual([
      { op: 'replace', path: '/a', value: 2 },
      { op: 'add', path: '/b', value: 'x' },
    ]);
    expect(updated?.prevHash).toBe(created?.hash);
    expect(deleted?.after).toBeNull();
    expect(created && updated && created.id < updated.id).toBe(true);
  });

  it('verify as an unbroken chain', () => {
    expect(verifyChain(chain([{ a: 1 }, { a: 2 }, null, { a: 3 }]))).toEqual([]);
  });

  it('expose an edited record, a dropped record and a forged patch', () => {
    const records = chain([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const edited = records.map((r) => (r.version === 2 ? { ...r, after: { a: 99 } } : r));
    expect(verifyChain(edited).map((p) => p.problem)).toContain('hash does not match the record body');
    const dropped = records.filter((r) => r.version !== 2);
    expect(verifyChain(dropped).map((p) => p.problem)).toContain('expected version 2, found 3');
    const forged = records.map((r) => (r.version === 3 ? { ...r, patch: [] } : r));
    expect(verifyChain(forged).map((p) => p.problem)).toContain('patch does not produce the after-image');
    const impossible = records.map((r) =>
      r.version === 2 ? { ...r, patch: [{ op: 'remove' as const, path: '/no/such/path' }] } : r,
    );
    expect(verifyChain(impossible).map((p) => p.problem)).toContain('patch does not produce the after-image');
  });
});
