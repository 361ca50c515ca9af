import { readFileSync } from 'node:fs';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type SamplePoolOnFake, startSamplePoolOnFake } from '@cognito-rewind/testkit';
import type { Sample } from '@cognito-rewind/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { takeBackup } from '../backup/takeBackup.js';
import { verifyChain } from '../changes/verifyChain.js';
import { ComponentUnsupportedError } from '../errors.js';
import type { Clock } from '../ports.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { captureEvent } from './captureEvent.js';
import { type CognitoEvent, parseCognitoEvent } from './eventSchema.js';
import { poolOfClientFromLog } from './poolOfClient.js';

let now = Date.parse('2024-06-01T10:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
let fake: SamplePoolOnFake;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;
let sample: Sample;
const log = new MemoryChangeLog();
const snapshots = new SnapshotStore(new MemoryBlobStore());

/** A fixture (shaped like CloudTrail's event) pointed at the fake's pool, user and time. */
/** The parts of a fixture's CloudTrail record a test points at the fake. */
interface Detail {
  requestParameters: Record<string, unknown>;
  additionalEventData: Record<string, unknown>;
  [field: string]: unknown;
}

function fixture(name: string, edit: (detail: Detail) => void = () => {}): CognitoEvent {
  const json = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  json.detail.requestParameters.userPoolId = sample.poolId;
  json.detail.eventTime = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  edit(json.detail);
  const parsed = parseCognitoEvent(json);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

async function subOf(username: string): Promise<string> {
  const user = await reader.getUser(sample.poolId, username);
  return user?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
}

beforeAll(async () => {
  fake = await startSamplePoolOnFake(clock);
  ({ cognito, reader, sample } = fake);
  // The first full read writes every entity's baseline: capture continues those chains.
  await takeBackup({ reader, snapshots, changeLog: log, clock }, sample.poolId);
});

afterAll(() => fake?.stop());

describe('captureEvent on the in-memory Cognito', () => {
  it('re-reads the user an event names by sub and records the change with who made it and when', async () => {
    now += 60_000;
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: sample.poolId,
        Username: 'alice',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'globex' }],
      }),
    );
    const sub = await subOf('alice');
    const event = fixture('AdminUpdateUserAttributes', (d) => {
      d.additionalEventData.sub = sub;
    });
    now += 2_000;
    const outcome = await captureEvent({ reader, changeLog: log, clock }, event);
    expect(outcome).toMatchObject({ poolId: sample.poolId, duplicates: [], forReconcile: [] });
    expect(outcome.appended.map((r) => r.entity)).toEqual(['user:alice']);
    const record = outcome.appended[0];
    expect(record?.after).toMatchObject({ attributes: { 'custom:tenant': 'globex' } });
    expect(record?.event).toEqual({
      name: 'AdminUpdateUserAttributes',
      eventId: event.detail.eventID,
      eventTime: new Date(event.detail.eventTime).toISOString(),
      eventType: 'AwsApiCall',
      actorArn: event.detail.userIdentity.arn,
      actorType: 'AssumedRole',
      actorPrincipal: event.detail.userIdentity.principalId,
      subjectSub: sub,
      sourceIp: event.detail.sourceIPAddress,
      userAgent: event.detail.userAgent,
    });
    expect(record?.source).toBe('cloudtrail');
    // Never read from the masked request: the sub named the user.
    expect(JSON.stringify(event.detail.requestParameters)).toContain('HIDDEN_DUE_TO_SECURITY_REASONS');
    expect(verifyChain(await toArray(log.entityHistory(sample.poolId, 'user:alice')))).toEqual([]);

    // Delivered again: nothing new.
    now += 1_000;
    const again = await captureEvent({ reader, changeLog: log, clock }, event);
    expect(again.appended).toEqual([]);
    expect([...again.duplicates, ...again.unchanged]).toEqual(['user:alice']);
  });

  it('lands an older event that arrives after a newer one in the past: the present stays, what it wrote is unknown', async () => {
    now += 60_000;
    const older = fixture('UpdateGroup', (d) => {
      d.requestParameters.groupName = 'admins';
    });
    await cognito.send(
      new UpdateGroupCommand({ UserPoolId: sample.poolId, GroupName: 'admins', Description: 'first' }),
    );
    now += 5_000;
    await cognito.send(
      new UpdateGroupCommand({ UserPoolId: sample.poolId, GroupName: 'admins', Description: 'second' }),
    );
    const newer = fixture('UpdateGroup', (d) => {
      d.requestParameters.groupName = 'admins';
      d.eventID = 'newer-event';
    });
    now += 1_000;
    expect((await captureEvent({ reader, changeLog: log, clock }, newer)).appended).toHaveLength(1);
    now += 1_000;
    const late = await captureEvent({ reader, changeLog: log, clock }, older);
    // The group was read only after the newer call: what the older one wrote was never observed.
    expect(late.appended.map((r) => r.change)).toEqual([
      // Everything UpdateGroup may have written: its result was overwritten before any read.
      { unknown: ['/Description', '/LastModifiedDate', '/Precedence'] },
    ]);
    expect(late.appended[0]?.validFrom).toBe(
      new Date(Date.parse(older.detail.eventTime) + 999).toISOString(),
    );
    const head = await log.head(sample.poolId, 'group:admins');
    expect(head?.after).toMatchObject({ Description: 'second' });
    expect(head?.patch).toEqual([]);
  });

  it('records a membership change, and a user gone before the re-read as deleted, at the event time', async () => {
    now += 60_000;
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: sample.poolId,
        Username: 'bob/builder',
        GroupName: 'viewers',
      }),
    );
    const sub = await subOf('bob/builder');
    const added = await captureEvent(
      { reader, changeLog: log, clock },
      fixture('AdminAddUserToGroup', (d) => {
        d.additionalEventData.sub = sub;
        d.requestParameters.groupName = 'viewers';
      }),
    );
    expect(added.appended.map((r) => r.entity)).toEqual(['user:bob/builder']);
    // The group is logged in clear: the event itself says which membership it added.
    expect(added.appended[0]?.change).toEqual({ set: { '/groups/viewers': true } });
    expect(added.appended[0]?.after).toMatchObject({ groups: expect.arrayContaining(['viewers']) });
    // The event's time (by the end of CloudTrail's whole second, never after it was observed: here
    // the same instant).
    expect(added.appended[0]?.validFrom).toBe(new Date(now).toISOString());

    now += 60_000;
    const eveSub = await subOf('eve');
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: sample.poolId, Username: 'eve' }));
    const deleted = fixture('AdminDeleteUser', (d) => {
      d.additionalEventData.sub = eveSub;
    });
    // CloudTrail times are whole seconds: the deletion happened by the end of that second.
    const deletedAt = new Date(Date.parse(deleted.detail.eventTime) + 999).toISOString();
    now += 3_000;
    // Without the recorded state, a user Cognito no longer has cannot be named: reconcile records it.
    const blind = await captureEvent({ reader, changeLog: log, clock }, deleted);
    expect(blind.appended).toEqual([]);
    expect(blind.forReconcile).toEqual([expect.stringContaining(`sub ${eveSub}`)]);
    // With it, the sub names eve, the re-read finds her gone: a deletion stamped at the event's time.
    const outcome = await captureEvent({ reader, changeLog: log, clock, snapshots }, deleted);
    expect(outcome.forReconcile).toEqual([]);
    expect(outcome.appended.map((r) => [r.entity, r.after, r.validFrom])).toEqual([
      ['user:eve', null, deletedAt],
    ]);
  });

  it('finds the pool of a public call that names only its app client, from the recorded clients', async () => {
    now += 60_000;
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: sample.poolId,
        Username: 'carol~ops',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'self-service' }],
      }),
    );
    const sub = await subOf('carol~ops');
    // ConfirmSignUp-shaped: a clientId, a masked username, the sub in additionalEventData.
    const event = fixture('ConfirmSignUp', (d) => {
      d.requestParameters = { clientId: sample.webClientId, username: 'HIDDEN_DUE_TO_SECURITY_REASONS' };
      d.additionalEventData = { sub };
      d.eventID = 'c0ffee00-0000-4000-8000-000000000001';
    });
    const alone = await captureEvent({ reader, changeLog: log, clock }, event);
    expect(alone.forReconcile).toEqual([
      `the pool of app client ${sample.webClientId} (a public call names only its client)`,
    ]);
    expect(alone.appended).toEqual([]);

    let lookups = 0;
    const pools = async () => {
      lookups += 1;
      return ['us-east-1_Elsewhere1', sample.poolId];
    };
    const poolOfClient = poolOfClientFromLog(log, pools);
    const outcome = await captureEvent({ reader, changeLog: log, clock, poolOfClient }, event);
    expect(outcome.poolId).toBe(sample.poolId);
    expect(outcome.appended.map((r) => [r.entity, r.event?.name])).toEqual([
      ['user:carol~ops', 'ConfirmSignUp'],
    ]);
    // An unknown client stays for reconcile; a known one is remembered, not looked up again.
    expect(await poolOfClient('no-such-client')).toBeUndefined();
    const before = lookups;
    expect(await poolOfClient(sample.webClientId)).toBe(sample.poolId);
    expect(lookups).toBe(before);
  });

  it("reads the pool's MFA mode from the log, not from Cognito, for every user event", async () => {
    now += 60_000;
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: sample.poolId,
        Username: 'dörte',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'counted' }],
      }),
    );
    const calls: string[] = [];
    const counted = new Proxy(reader, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(property));
          return value.apply(target, args);
        };
      },
    });
    const sub = await subOf('dörte');
    const dorte = fixture('AdminUpdateUserAttributes', (d) => {
      d.additionalEventData.sub = sub;
    });
    const outcome = await captureEvent({ reader: counted, changeLog: log, clock }, dorte);
    expect(outcome.appended.map((r) => r.entity)).toEqual(['user:dörte']);
    // GetUserPoolMfaConfig is allowed 5 a second per pool: the recorded `mfa` entity answers instead.
    expect(calls).not.toContain('getMfaConfig');
    // The user was still read with her MFA settings (the recorded mode is OPTIONAL).
    expect(calls).toContain('getUser');
    expect(outcome.appended[0]?.after).toHaveProperty('mfa');
  });

  it('leaves out what the endpoint cannot read instead of failing the event', async () => {
    const noRisk = new Proxy(reader, {
      get(target, property, receiver) {
        if (property !== 'getRiskConfiguration') return Reflect.get(target, property, receiver);
        return async () => {
          throw new ComponentUnsupportedError('riskConfiguration');
        };
      },
    });
    const outcome = await captureEvent(
      { reader: noRisk, changeLog: log, clock },
      fixture('SetRiskConfiguration'),
    );
    expect(outcome).toMatchObject({
      poolId: sample.poolId,
      appended: [],
      unsupported: ['riskConfiguration'],
    });
  });

  it('reads tags from DescribeUserPool where ListTagsForResource is missing (cognito-local)', async () => {
    const noListTags = new Proxy(reader, {
      get(target, property, receiver) {
        if (property !== 'listTags') return Reflect.get(target, property, receiver);
        return async () => {
          throw new ComponentUnsupportedError('tags');
        };
      },
    });
    const event = fixture('TagResource', (d) => {
      d.requestParameters = { resourceArn: sample.poolArn, tags: { team: 'identity' } };
    });
    const outcome = await captureEvent({ reader: noListTags, changeLog: log, clock }, event);
    expect(outcome.unsupported).toEqual([]);
    expect(outcome.appended.length + outcome.unchanged.length).toBe(1);
  });

  it('ignores read-only and failed calls, and events of no catalogued name', async () => {
    const failed = fixture('UpdateGroup', (d) => {
      d.errorCode = 'ResourceNotFoundException';
      d.errorMessage = 'Group not found.';
    });
    expect((await captureEvent({ reader, changeLog: log, clock }, failed)).ignored).toMatch(/failed/);
  });
});
