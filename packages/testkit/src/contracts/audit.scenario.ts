import {
  type AuditFilter,
  type AuditRow,
  auditPages,
  type ChangeLog,
  type ChangeRecord,
  checkAuditQuery,
  type EntityHead,
  type EventTrail,
  type JsonObject,
  makeRecord,
  rowWords,
  type TrailEntry,
} from '@cognito-rewind/core';
import { ALICE, at, entry, OPS_ROLE, POOL } from './eventTrail.entries.js';

/**
 * One small pool's history for the audit contract, as capture, reconcile and a restore write it: trail
 * entries naming the change records they caused, a failed call, and records no call explains.
 */
export const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/Restorer/ops-session';
export const OPERATOR_KEY = 'AKIAOPERATOREXAMPLE';
export const OPS_IP = '198.51.100.9';

const user = (username: string, extra: Partial<JsonObject> = {}): JsonObject => ({
  username,
  attributes: { email: 'a@x', sub: `0000000${username.length}-0000-4000-8000-000000000000` },
  enabled: true,
  status: 'CONFIRMED',
  groups: [],
  createdAt: at(10),
  modifiedAt: at(10),
  ...extra,
});

const ALICE_CALLER = {
  arn: ALICE,
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEALICE',
  accessKeyId: 'AKIAALICE',
};
const OPS_CALLER = { arn: OPS_ROLE, type: 'AssumedRole', principalId: 'AROAOPS:bob-session' };

/** What the scenario wrote, by name, for assertions. */
export interface AuditScenario {
  records: Record<string, ChangeRecord>;
}

export async function writeAuditScenario(changeLog: ChangeLog, trail: EventTrail): Promise<AuditScenario> {
  const heads = new Map<string, EntityHead>();
  const records: Record<string, ChangeRecord> = {};
  const change = async (
    name: string,
    entity: string,
    seconds: number,
    after: JsonObject | null,
    extra: Pick<ChangeRecord, 'source'> & Partial<Pick<ChangeRecord, 'event' | 'cause'>>,
  ) => {
    const head = heads.get(entity) ?? { version: 0, hash: null, doc: null };
    const record = makeRecord({
      poolId: POOL,
      entity,
      head,
      after,
      validFrom: at(seconds),
      observedAt: at(seconds + 2),
      ...extra,
    });
    await changeLog.append(record);
    heads.set(entity, { version: record.version, hash: record.hash, doc: record.after });
    records[name] = record;
    return record;
  };
  const call = async (
    id: string,
    seconds: number,
    fields: Partial<TrailEntry>,
    caused: ChangeRecord[] = [],
  ) =>
    trail.record(
      entry(id, {
        eventTime: at(seconds),
        receivedAt: at(seconds + 3),
        changeIds: caused.map((r) => r.id),
        outcome: caused.length > 0 ? 'changed' : 'unchanged',
        ...fields,
      }),
    );
  const cloudtrail = (name: string, arn: string, seconds: number) => ({
    source: 'cloudtrail' as const,
    event: { name, eventTime: at(seconds), actorArn: arn },
  });

  const created = await change(
    'created',
    'user:alice',
    10,
    user('alice'),
    cloudtrail('AdminCreateUser', ALICE, 10),
  );
  await call(
    'e1-create',
    10,
    { eventName: 'AdminCreateUser', caller: ALICE_CALLER, entities: ['user:alice'] },
    [created],
  );
  const email = await change(
    'email',
    'user:alice',
    20,
    user('alice', {
      attributes: { email: 'b@x', sub: '00000005-0000-4000-8000-000000000000' },
      modifiedAt: at(20),
    }),
    cloudtrail('AdminUpdateUserAttributes', OPS_ROLE, 20),
  );
  await call(
    'e2-email',
    20,
    {
      eventName: 'AdminUpdateUserAttributes',
      caller: OPS_CALLER,
      sourceIp: OPS_IP,
      entities: ['user:alice'],
    },
    [email],
  );
  const joined = await change(
    'joined',
    'user:alice',
    30,
    { ...(email.after as JsonObject), groups: ['admins'] },
    cloudtrail('AdminAddUserToGroup', ALICE, 30),
  );
  await call(
    'e3-join',
    30,
    { eventName: 'AdminAddUserToGroup', caller: ALICE_CALLER, entities: ['group:admins', 'user:alice'] },
    [joined],
  );
  await call('e4-failed', 35, {
    eventName: 'AdminDeleteUser',
    caller: OPS_CALLER,
    sourceIp: OPS_IP,
    entities: ['user:ghost'],
    errorCode: 'UserNotFoundException',
    outcome: 'failed',
  });
  const disabled = await change(
    'disabled',
    'user:alice',
    40,
    { ...(joined.after as JsonObject), enabled: false },
    cloudtrail('AdminDisableUser', ALICE, 40),
  );
  await call(
    'e5-disable',
    40,
    { eventName: 'AdminDisableUser', caller: ALICE_CALLER, entities: ['user:alice'] },
    [disabled],
  );
  await change('drift', 'user:bob', 45, user('bob'), {
    source: 'reconcile',
    cause: { reconcileRun: 'run-1' },
  });
  await change(
    'restored',
    'user:alice',
    50,
    { ...(disabled.after as JsonObject), enabled: true },
    {
      source: 'restore',
      event: { name: 'restore-cli restore' },
      cause: { restoreId: 'restore-1', operatorArn: OPERATOR, operatorAccessKeyId: OPERATOR_KEY },
    },
  );
  const deleted = await change('deleted', 'user:bob', 60, null, cloudtrail('AdminDeleteUser', OPS_ROLE, 60));
  await call(
    'e6-delete',
    60,
    { eventName: 'AdminDeleteUser', caller: OPS_CALLER, sourceIp: OPS_IP, entities: ['user:bob'] },
    [deleted],
  );
  return { records };
}

/** Every row of a query, all pages read, and the pages' sizes. */
export async function auditAll(
  reads: { changeLog: ChangeLog; trail?: EventTrail },
  filter: AuditFilter,
  pageSize = 2,
): Promise<{ rows: AuditRow[]; cursor?: string }> {
  const rows: AuditRow[] = [];
  let cursor: string | undefined;
  for await (const page of auditPages(reads, POOL, checkAuditQuery(filter), { pageSize })) {
    rows.push(...page.rows);
    cursor = page.cursor;
  }
  return { rows, ...(cursor === undefined ? {} : { cursor }) };
}

/** A row as the assertions read it: its id and its change in words. */
export const brief = (row: AuditRow): string =>
  `${row.position.id.startsWith('e') ? row.position.id : row.source}: ${rowWords(row)}`;
