import { describe, expect, it } from 'vitest';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import type { ChangeRecord } from '../changes/changeRecord.js';
import { type EntityHead, makeRecord } from '../changes/makeRecord.js';
import type { AuditChange } from './auditRow.js';
import { HistoryWalker } from './historyWalker.js';

const POOL = 'us-east-1_Walker1';

async function history(count: number) {
  const log = new MemoryChangeLog();
  const records: ChangeRecord[] = [];
  let head: EntityHead = { version: 0, hash: null, doc: null };
  for (let i = 0; i < count; i++) {
    const time = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
    const record = makeRecord({
      poolId: POOL,
      entity: 'group:admins',
      head,
      after: { GroupName: 'admins', Description: `v${i}` },
      validFrom: time,
      observedAt: time,
      source: 'cloudtrail',
    });
    await log.append(record);
    records.push(record);
    head = { version: record.version, hash: record.hash, doc: record.after };
  }
  let opened = 0;
  const counting = Object.assign(Object.create(log) as MemoryChangeLog, {
    entityHistory: (poolId: string, entity: string) => {
      opened++;
      return log.entityHistory(poolId, entity);
    },
  });
  return { log: counting, records, opened: () => opened };
}

describe('HistoryWalker', () => {
  it("reads one entity's history once over pages that come in its order, and again only for an id it passed", async () => {
    const { log, records, opened } = await history(10);
    const walker = new HistoryWalker(log, POOL);
    const found = new Map<string, AuditChange>();
    for (let i = 0; i < 10; i += 2)
      await walker.find('group:admins', new Set([records[i]?.id ?? '', records[i + 1]?.id ?? '']), found);
    expect(opened()).toBe(1);
    expect(found.get(records[5]?.id ?? '')?.words).toEqual(['Description: v4 → v5']);
    await walker.find('group:admins', new Set([records[1]?.id ?? '']), found);
    expect(opened()).toBe(2);
    await walker.find('group:admins', new Set(['01J00000000000000000000000']), found);
    expect(found.has('01J00000000000000000000000')).toBe(false);
    await walker.close();
  });
});
