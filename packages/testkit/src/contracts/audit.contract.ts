import type { ChangeLog, EventTrail } from '@cognito-rewind/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditAll, brief, OPERATOR, OPERATOR_KEY, OPS_IP, writeAuditScenario } from './audit.scenario.js';
import { ALICE, at, OPS_ROLE } from './eventTrail.entries.js';

export interface AuditStoreFixture {
  changeLog: ChangeLog;
  trail: EventTrail;
  cleanup(): Promise<void>;
}

const ALL = [
  'e1-create: created',
  'e2-email: email: a@x → b@x',
  'e3-join: +admins',
  'e4-failed: failed: UserNotFoundException',
  'e5-disable: disabled',
  'reconcile: created',
  'restore: enabled',
  'e6-delete: deleted',
];

/**
 * What an audit query answers over any store that holds an event trail and a change log (a directory,
 * the DynamoDB table): the same rows, in the same order, in the same words, whatever the filters and
 * however the pages fall (the scenario reads with pages of 2, so every path crosses a page boundary).
 */
export function auditContract(name: string, create: () => Promise<AuditStoreFixture>): void {
  describe(`audit queries: ${name}`, () => {
    let fixture: AuditStoreFixture | undefined;
    const reads = () => {
      if (fixture === undefined) throw new Error('no fixture');
      return fixture;
    };
    beforeEach(async () => {
      fixture = await create();
      await writeAuditScenario(fixture.changeLog, fixture.trail);
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });
    const rows = async (filter: Parameters<typeof auditAll>[1]) =>
      (await auditAll(reads(), filter)).rows.map(brief);

    it('merges calls and the changes no call explains into one time order, each change in words', async () => {
      expect(await rows({})).toEqual(ALL);
    });

    it('answers each filter alone', async () => {
      expect(await rows({ entity: 'user:alice' })).toEqual([ALL[0], ALL[1], ALL[2], ALL[4], ALL[6]]);
      expect(await rows({ entity: 'group:admins' })).toEqual([ALL[2]]);
      expect(await rows({ events: ['AdminDeleteUser'] })).toEqual([ALL[3], ALL[7]]);
      expect(await rows({ events: ['AdminDeleteUser', 'AdminCreateUser'] })).toEqual([
        ALL[0],
        ALL[3],
        ALL[7],
      ]);
      expect(await rows({ actor: OPS_ROLE })).toEqual([ALL[1], ALL[3], ALL[7]]);
      expect(await rows({ actor: 'assumed-role/ops' })).toEqual([ALL[1], ALL[3], ALL[7]]);
      expect(await rows({ actor: ALICE })).toEqual([ALL[0], ALL[2], ALL[4]]);
      expect(await rows({ actor: OPERATOR })).toEqual([ALL[6]]);
      expect(await rows({ accessKey: OPERATOR_KEY })).toEqual([ALL[6]]);
      expect(await rows({ accessKey: 'AKIAALICE' })).toEqual([ALL[0], ALL[2], ALL[4]]);
      expect(await rows({ ip: OPS_IP })).toEqual([ALL[1], ALL[3], ALL[7]]);
      expect(await rows({ source: 'reconcile' })).toEqual([ALL[5]]);
      expect(await rows({ source: 'restore' })).toEqual([ALL[6]]);
      expect(await rows({ source: 'import' })).toEqual([]);
      expect(await rows({ failed: true })).toEqual([ALL[3]]);
      expect(await rows({ since: at(30), until: at(50) })).toEqual(ALL.slice(2, 7));
    });

    it('combines filters', async () => {
      expect(await rows({ entity: 'user:alice', actor: 'alice', since: at(20) })).toEqual([ALL[2], ALL[4]]);
      expect(await rows({ events: ['AdminDeleteUser'], failed: true, ip: OPS_IP })).toEqual([ALL[3]]);
      expect(await rows({ actor: OPS_ROLE, until: at(40) })).toEqual([ALL[1], ALL[3]]);
    });

    it('stops at the limit with a cursor that continues exactly after the last row', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await auditAll(reads(), { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.rows.map(brief));
        cursor = page.cursor;
        if (cursor === undefined) break;
      }
      expect(seen).toEqual(ALL);
      const first = await auditAll(reads(), { limit: 8 });
      expect(first.cursor).toBeUndefined();
    });

    it("keeps each row's records: the RFC 6902 patch and the after-image", async () => {
      const [row] = (await auditAll(reads(), { events: ['AdminUpdateUserAttributes'] })).rows;
      expect(row).toMatchObject({ caller: OPS_ROLE, sourceIp: OPS_IP, entities: ['user:alice'] });
      expect(row?.changes[0]?.record.patch).toContainEqual({
        op: 'replace',
        path: '/attributes/email',
        value: 'b@x',
      });
      expect(row?.changes[0]?.record.after).toMatchObject({ attributes: { email: 'b@x' } });
    });
  });
}
