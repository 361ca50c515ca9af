import type { ChangeLog, ChangeRecord, TimeRange } from '@cognito-rewind/core';
import { toArray } from '@cognito-rewind/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { changeLogBasics } from './changeLog.basics.js';
import type { ChangeLogFixture, ChangeLogTestContext } from './changeLog.context.js';
import { changeLogHardCases } from './changeLog.hard.js';
import { POOL } from './changeLog.records.js';

export type { ChangeLogFixture } from './changeLog.context.js';

/**
 * The behaviour every `ChangeLog` adapter shares, written once (emmett style) and run against the
 * in-memory reference, the directory log and DynamoDB.
 */
export function changeLogContract(name: string, makeLog: () => Promise<ChangeLogFixture>): void {
  describe(`ChangeLog contract: ${name}`, () => {
    let fixture: ChangeLogFixture | undefined;
    let log: ChangeLog;
    const reopen = async () => {
      if (fixture === undefined) throw new Error('no fixture');
      return fixture.reopen();
    };
    const ids = async (records: AsyncIterable<ChangeRecord>) => (await toArray(records)).map((r) => r.id);
    const timeline = (range?: TimeRange, poolId = POOL) => toArray(log.timeline(poolId, range));

    beforeEach(async () => {
      fixture = await makeLog();
      log = fixture.log;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    const context: ChangeLogTestContext = {
      get log() {
        return log;
      },
      get fixture() {
        return fixture;
      },
      reopen,
      ids,
      timeline,
    };
    changeLogBasics(context);
    changeLogHardCases(context);
  });
}
