import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { decodeAuditCursor, encodeAuditCursor } from './auditCursor.js';
import { checkAuditQuery, entityOfFlags } from './auditQuery.js';

const ROLE = 'arn:aws:sts::123456789012:assumed-role/Ops/bob';

describe('checkAuditQuery', () => {
  it('reads the most selective index the filters give: entity, then one event, then an exact caller, else time', () => {
    const all = { entity: 'user:alice', events: ['AdminDeleteUser'], actor: ROLE };
    expect(checkAuditQuery(all).index).toEqual({ by: 'entity', value: 'user:alice' });
    expect(checkAuditQuery({ ...all, entity: undefined }).index).toEqual({
      by: 'eventName',
      value: 'AdminDeleteUser',
    });
    expect(checkAuditQuery({ actor: ROLE, events: ['AdminDeleteUser', 'AdminCreateUser'] }).index).toEqual({
      by: 'caller',
      value: ROLE,
    });
    expect(checkAuditQuery({ actor: 'Ops/bob' }).index).toEqual({ by: 'time' });
    expect(checkAuditQuery({ ip: '203.0.113.1', accessKey: 'AKIA1', failed: true }).index).toEqual({
      by: 'time',
    });
  });

  it('treats only a complete ARN as an exact caller; any other value is a part, matched on the time index', () => {
    expect(checkAuditQuery({ actor: ROLE }).actor).toEqual({ value: ROLE, exact: true });
    expect(checkAuditQuery({ actor: 'arn:aws:sts::123' }).actor).toEqual({
      value: 'arn:aws:sts::123',
      exact: false,
    });
    expect(checkAuditQuery({ actor: 'bob' }).actor).toEqual({ value: 'bob', exact: false });
  });

  it('takes bounds in any ISO-8601 spelling with a zone, as canonical times', () => {
    const plan = checkAuditQuery({ since: '2024-06-01', until: '2024-06-01T12:00+02:00' });
    expect(plan).toMatchObject({ since: '2024-06-01T00:00:00.000Z', until: '2024-06-01T10:00:00.000Z' });
  });

  it.each([
    [{ since: '2024-06-02T00:00Z', until: '2024-06-01T00:00Z' }, /--since .* is after --until/],
    [{ since: 'yesterday' }, /--since "yesterday" is not an ISO-8601 time/],
    [{ until: '2024-06-01T10:00' }, /--until .* has no time zone/],
    [
      { events: ['AdminDeleteUser', 'DeleteEverything'] },
      /--event DeleteEverything: not a Cognito user pool event name/,
    ],
    [{ events: ['admindeleteuser'] }, /not a Cognito user pool event name/],
    [{ source: 'cloudwatch' }, /--source cloudwatch is not one of cloudtrail, reconcile, import, restore/],
    [{ limit: 0 }, /--limit 0 is not a whole number/],
    [{ limit: 1.5 }, /--limit 1.5/],
    [{ cursor: 'not a cursor' }, /--cursor .* is not a cursor printed by restore-cli audit/],
    [{ cursor: 'eyJhIjoxfQ' }, /is not a cursor/],
    [{ entity: 'alice' }, /not an entity key/],
    [{ actor: '  ' }, /--actor needs a non-empty value/],
  ])('refuses %j', (filter, message) => {
    expect(() => checkAuditQuery(filter)).toThrow(InvalidInputError);
    expect(() => checkAuditQuery(filter)).toThrow(message);
  });

  it('knows the events capture leaves out on purpose as well as those it records', () => {
    expect(checkAuditQuery({ events: ['InitiateAuth', 'AdminDisableUser'] }).events).toEqual(
      new Set(['InitiateAuth', 'AdminDisableUser']),
    );
  });

  it('round-trips a cursor', () => {
    const position = {
      time: '2024-06-01T10:00:00.000Z',
      stream: 1 as const,
      id: '01J0000000000000000000000',
    };
    expect(decodeAuditCursor(encodeAuditCursor(position))).toEqual(position);
    expect(checkAuditQuery({ cursor: encodeAuditCursor(position) }).after).toEqual(position);
  });
});

describe('entityOfFlags', () => {
  it('names a group or any entity, and refuses two at once', () => {
    expect(entityOfFlags({ group: 'admins' })).toBe('group:admins');
    expect(entityOfFlags({ entity: 'client:abc' })).toBe('client:abc');
    expect(entityOfFlags({})).toBeUndefined();
    expect(() => entityOfFlags({ user: 'alice', group: 'admins' })).toThrow(
      /give one of --user, --group, --entity/,
    );
  });
});
