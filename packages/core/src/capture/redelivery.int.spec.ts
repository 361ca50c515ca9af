import {
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  cloudTrailEvent,
  newCapturedPool,
  type RunningCognitoFake,
  startCognitoFake,
  stateOf,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { toArray } from '../asyncIterables.js';
import { verifyChain } from '../changes/verifyChain.js';
import type { ChangeLog, Clock } from '../ports.js';
import { captureEvent } from './captureEvent.js';

/**
 * Capture of one event appends an entity's records one by one: what the call changed that Cognito
 * does not date is unknown from the event's time, then the value read, at the read. An invocation that
 * dies between the two leaves the event's record in the log; SQS then delivers the event again.
 */

let now = Date.parse('2024-06-01T10:00:00.300Z');
const clock: Clock = { now: () => new Date(now) };
let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, now: clock.now });
  cognito = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1', baseDelayMs: 1 });
  reader = new AwsCognitoReader(cognito, { pageSize: 2 });
});

afterAll(async () => {
  cognito?.destroy();
  await running?.stop();
});

const at = (minute: number) => Date.parse(`2024-06-01T10:${String(minute).padStart(2, '0')}:00.300Z`);

/** The log as an invocation that dies (a timeout, a kill) after `appends` appends sees it. */
function dyingAfter(log: ChangeLog, appends: number): ChangeLog {
  let left = appends;
  return new Proxy(log, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'append' || typeof value !== 'function') return value;
      return (...args: Parameters<ChangeLog['append']>) => {
        if (left-- <= 0) throw new Error('the invocation died (simulated)');
        return value.apply(target, args);
      };
    },
  });
}

describe('an event delivered again after its capture died midway', () => {
  it("finishes an entity cut short between the event's record and the value read", async () => {
    now = at(0);
    const pool = await newCapturedPool(cognito, reader, clock);
    now = at(1);
    await cognito.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.poolId,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    const mfaSet = cloudTrailEvent('SetUserPoolMfaConfig', pool.poolId, now);
    now = at(6); // read after the call's second: MFA settings are undated, so two records each
    const dying = { ...pool.deps, changeLog: dyingAfter(pool.deps.changeLog, 1) };
    await expect(captureEvent(dying, mfaSet)).rejects.toThrow('the invocation died');
    const cut = await toArray(pool.deps.changeLog.entityHistory(pool.poolId, 'mfa'));
    expect(cut.at(-1)).toMatchObject({
      event: { eventId: mfaSet.detail.eventID },
      change: { unknown: expect.any(Array) },
    });

    now = at(7);
    const outcome = await captureEvent(pool.deps, mfaSet);

    // The event's record is not written again; what the read shows is, so nothing stays unknown.
    const mfa = await toArray(pool.deps.changeLog.entityHistory(pool.poolId, 'mfa'));
    expect(mfa.filter((record) => record.event?.eventId === mfaSet.detail.eventID)).toHaveLength(1);
    expect(mfa.slice(0, cut.length)).toEqual(cut);
    expect(mfa.at(-1)).toMatchObject({
      validFrom: new Date(at(7)).toISOString(),
      after: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
    });
    expect(mfa.at(-1)?.event).toBeUndefined();
    expect(verifyChain(mfa)).toEqual([]);
    expect(outcome.duplicates).toContain('mfa');
    expect(outcome.appended.map((record) => record.entity)).toContain('mfa');
    const state = await stateOf(pool.deps, pool.poolId, at(7));
    expect(state.unknown).toBeUndefined();

    // Delivered once more, it finds every part there: nothing new.
    now = at(8);
    const third = await captureEvent(pool.deps, mfaSet);
    expect(third.appended).toEqual([]);
  });

  it('records the call on an entity no full read has seen yet the first time, not again when delivered again', async () => {
    now = at(0);
    const created = await cognito.send(new CreateUserPoolCommand({ PoolName: 'unread' }));
    const poolId = created.UserPool?.Id ?? '';
    now = at(1);
    await cognito.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    const mfaSet = cloudTrailEvent('SetUserPoolMfaConfig', poolId, now);
    const deps = { reader, clock, changeLog: new MemoryChangeLog() };
    const pool = () => toArray(deps.changeLog.entityHistory(poolId, 'pool'));
    now = at(6);
    await captureEvent(deps, mfaSet);
    const once = await pool();

    // The pool exists from its creation, by no event; the call's change is the event's, at its time.
    expect(once[0]).toMatchObject({ validFrom: new Date(at(0)).toISOString() });
    expect(once[0]?.event).toBeUndefined();
    expect(once.filter((record) => record.event?.eventId === mfaSet.detail.eventID)).toEqual([
      expect.objectContaining({ validFrom: new Date(at(1)).toISOString() }),
    ]);
    expect(once.at(-1)?.after).toMatchObject({ MfaConfiguration: 'OPTIONAL' });
    expect(verifyChain(once)).toEqual([]);

    now = at(7);
    const again = await captureEvent(deps, mfaSet);
    expect(again.appended).toEqual([]);
    expect(await pool()).toEqual(once);
  });
});
