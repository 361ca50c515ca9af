import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type AdminCreateUserCommandOutput,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  adapt,
  apply,
  exactViolations,
  type Op,
  pointInTimeViolations,
  type RunningCognitoFake,
  type ShownState,
  startCognitoFake,
  TrueHistory,
} from '@cognito-rewind/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { takeBackup } from '../backup/takeBackup.js';
import { readPoolState } from '../cognito/readPoolState.js';
import type { JsonObject } from '../model/json.js';
import type { Clock } from '../ports.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { type CaptureOutcome, captureEvent } from './captureEvent.js';
import { type CognitoEvent, parseCognitoEvent } from './eventSchema.js';
import {
  type Call,
  type Delivery,
  eventNameOf,
  type Item,
  type TrailScenario,
  timeline,
  trailScenarioArb,
} from './trailScenario.testing.js';

/**
 * Capture against a recorded true history: random user calls on the in-memory Cognito (over
 * loopback, the real SDK reader), each at its own whole second; the CloudTrail event of each, built as
 * CloudTrail writes it, is delivered seconds late (out of order, some twice) or at once; a delivery is
 * captured with the clock at its instant, so its re-read sees the pool as it is then (as on AWS, where
 * CloudTrail is minutes late). After the last delivery the replay at every call boundary is checked.
 */

let now = Date.parse('2024-06-01T10:00:00.250Z');
let wholeSecondDates = false;
/** Capture's clock: the instant each call or delivery happens. */
const clock: Clock = { now: () => new Date(now) };
/** The fake's clock: the same instant, cut to its second in runs where Cognito's dates are whole seconds. */
const cognitoNow = () => new Date(wholeSecondDates ? Math.floor(now / 1000) * 1000 : now);
let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;

const MASKED = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const iso = (ms: number) => new Date(ms).toISOString();
const endOfSecond = (ms: number) => Math.floor(ms / 1000) * 1000 + 999;
const subOf = (doc: JsonObject | undefined): string =>
  String((doc?.attributes as Record<string, unknown> | undefined)?.sub ?? '');

/** What CloudTrail logs of a call besides its name: the user's sub, and what AdminCreateUser answered. */
interface Logged {
  sub: string;
  created?: { UserStatus?: string | undefined; Enabled?: boolean | undefined } | undefined;
}

/**
 * CloudTrail's record of `op` called at `at`, from the fixture of its name: the time cut to its whole
 * second, fresh ids, username and attributes masked, the sub in additionalEventData; admin calls name
 * the pool in requestParameters, self-service ones (an access token, anonymous) in additionalEventData.
 */
function trailEvent(name: string, op: Op, poolId: string, at: number, logged: Logged): CognitoEvent {
  const json = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  const detail = json.detail;
  json.time = new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  detail.eventTime = json.time;
  [json.id, detail.eventID, detail.requestID] = [randomUUID(), randomUUID(), randomUUID()];
  if (detail.userIdentity.type === 'Unknown') {
    detail.userIdentity = { type: 'Unknown', principalId: 'Anonymous' };
    detail.additionalEventData = { sub: logged.sub, userPoolId: poolId };
  } else {
    detail.requestParameters = { ...detail.requestParameters, userPoolId: poolId, username: MASKED };
    detail.additionalEventData = { sub: logged.sub };
  }
  if ('group' in op) detail.requestParameters.groupName = op.group;
  if (op.op === 'deleteAttribute') detail.requestParameters.userAttributeNames = [op.name];
  if (logged.created !== undefined) {
    const { Enabled: enabled, UserStatus: userStatus } = logged.created;
    detail.responseElements = { user: { username: MASKED, attributes: MASKED, enabled, userStatus } };
  }
  const parsed = parseCognitoEvent(json);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

/** One run: its pool and stores, the truth read after each call, the events sent, the trace. */
class Run {
  readonly trace: string[] = [];
  /** The pool as read back after each call: what was true from that instant on. */
  readonly reads: { time: number; entities: { key: string; doc: JsonObject }[] }[] = [];
  readonly live = new TrueHistory();
  readonly sent: { name: string; sub: string; event: CognitoEvent }[] = [];
  readonly calls: number[] = [];
  /** Each user's life by sub, and the subs whose own event was delivered while they lived. */
  readonly lives = new Map<string, { from: number; to: number }>();
  readonly seen = new Set<string>();
  readonly stores = { snapshots: new SnapshotStore(new MemoryBlobStore()), changeLog: new MemoryChangeLog() };
  readonly deps = { ...this.stores, reader, clock };

  constructor(readonly poolId: string) {}

  async observe(): Promise<void> {
    const { entities } = await readPoolState(reader, this.poolId);
    this.live.record(now, entities);
    this.reads.push({ time: now, entities });
  }

  async call(index: number, call: Call): Promise<void> {
    const before = this.live.at(now);
    const op = adapt(call.op, before);
    const name = eventNameOf(op, call.self);
    const answer = await apply(cognito, this.poolId, op);
    await this.observe();
    const user = 'user' in op ? op.user : '';
    const created = op.op === 'createUser' ? (answer as AdminCreateUserCommandOutput).User : undefined;
    const sub = subOf((created === undefined ? before : this.live.at(now)).users.get(user));
    if (created !== undefined) this.lives.set(sub, { from: now, to: Number.POSITIVE_INFINITY });
    const life = this.lives.get(sub);
    if (op.op === 'deleteUser' && life !== undefined) life.to = now;
    this.sent[index] = { name, sub, event: trailEvent(name, op, this.poolId, now, { sub, created }) };
    this.calls.push(now);
    this.trace.push(`${iso(now)} call #${index} ${name} ${JSON.stringify(op)} sub ${sub.slice(0, 8)}`);
  }

  async deliver(index: number, copy: number): Promise<void> {
    const sent = this.sent[index];
    if (sent === undefined) throw new Error(`call ${index} not made yet`);
    const outcome = await captureEvent(this.deps, sent.event);
    const life = this.lives.get(sent.sub);
    if (life === undefined || (life.from <= now && now < life.to)) this.seen.add(sent.sub);
    const again = copy > 0 ? ' again' : '';
    this.trace.push(`${iso(now)} deliver #${index} ${sent.name}${again}: ${summary(outcome)}`);
  }

  /**
   * The truth to compare with. A user created and deleted with none of its own events delivered in
   * between was never read: CloudTrail masks its name and Cognito no longer has its sub, so nothing
   * can name it, let alone show it. It is left out (and said so in the trace); every other user counts.
   */
  truth(): TrueHistory {
    const unseen = [...this.lives.keys()].filter((sub) => !this.seen.has(sub));
    if (unseen.length > 0)
      this.trace.push(`never observed, left out: subs ${unseen.map((s) => s.slice(0, 8))}`);
    const history = new TrueHistory();
    for (const { time, entities } of this.reads)
      history.record(
        time,
        entities.filter(({ key, doc }) => !key.startsWith('user:') || !unseen.includes(subOf(doc))),
      );
    return history;
  }
}

const summary = (outcome: CaptureOutcome): string =>
  [
    ...outcome.appended.map((r) => `${r.entity}@${r.validFrom.slice(11)} ${JSON.stringify(r.change)}`),
    ...outcome.duplicates.map((key) => `${key} duplicate`),
    ...outcome.unchanged.map((key) => `${key} unchanged`),
    ...outcome.forReconcile.map((why) => `for reconcile: ${why}`),
  ].join('; ') || 'nothing';

/** A new pool with two groups (and the setup's users), read in full and snapshotted. */
async function newRun(scenario: TrailScenario, delivery: Delivery): Promise<Run> {
  now = Math.floor((now + 3_600_000) / 1000) * 1000 + 250; // every run later than the last
  wholeSecondDates = scenario.wholeSecondDates;
  const Schema = [{ Name: 'tier', AttributeDataType: 'String' as const, Mutable: true }];
  const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'trail', Schema }));
  const run = new Run(pool.UserPool?.Id ?? '');
  for (const GroupName of ['admins', 'ops'])
    await cognito.send(new CreateGroupCommand({ UserPoolId: run.poolId, GroupName }));
  for (const user of scenario.setup)
    await apply(cognito, run.poolId, { op: 'createUser', user, attributes: { name: 'alpha' } });
  now += 1;
  await takeBackup(run.deps, run.poolId);
  await run.observe();
  run.trace.push(
    `Cognito dates in ${wholeSecondDates ? 'whole seconds' : 'milliseconds'}, deliveries ${delivery}`,
    `${iso(now)} full read and snapshot, users ${JSON.stringify(scenario.setup)}`,
  );
  return run;
}

/** Runs one scenario; returns what broke, with the executed trace for diagnosis. */
async function runScenario(scenario: TrailScenario, delivery: Delivery) {
  const run = await newRun(scenario, delivery);
  const items: Item[] = timeline(scenario, delivery, now);
  for (const { at, call, copy } of items) {
    now = at;
    const made = scenario.calls[call];
    if (made === undefined) throw new Error(`no call ${call}`);
    // A call Cognito refuses, or a capture that throws, fails the run with the trace so far.
    const step = copy === undefined ? run.call(call, made) : run.deliver(call, copy);
    const failed = await step.then(
      () => undefined,
      (error: unknown) => `${iso(now)} ${copy === undefined ? 'call' : 'delivery'} #${call} threw ${error}`,
    );
    if (failed !== undefined) return { violations: [failed], trace: run.trace };
  }
  const end = Math.max(now, ...run.calls.map(endOfSecond));
  const violations = await check(run, run.truth(), end, delivery);
  run.trace.push(`${iso(end)} end`);
  return { violations, trace: run.trace };
}

const unknownViolations = (shown: ShownState, at: number): string[] =>
  Object.entries(shown.unknown ?? {}).map(
    ([key, paths]) => `at ${iso(at)}: ${key} unknown ${paths.join(', ')}`,
  );

/**
 * At each call: just before it and at the end of its second the replay is the truth (fields marked
 * unknown aside); at the call's instant each field is as it was just before or just after the call
 * (CloudTrail's whole second cannot tell which). Delivered at once, nothing is ever unknown and the
 * call's instant is exact too. At the end, after every delivery, the replay is the truth, all known.
 */
async function check(run: Run, history: TrueHistory, end: number, delivery: Delivery): Promise<string[]> {
  const shownAt = async (at: number) => collectState(await stateAt(run.stores, run.poolId, iso(at)));
  const violations: string[] = [];
  const exact = async (at: number) => {
    const shown = await shownAt(at);
    violations.push(...exactViolations(history, shown, at, 'exactly at'));
    if (delivery === 'immediate') violations.push(...unknownViolations(shown, at));
  };
  for (const at of run.calls) {
    await exact(at - 1);
    if (delivery === 'immediate') await exact(at);
    else violations.push(...pointInTimeViolations(history, await shownAt(at), at - 1, at));
    await exact(endOfSecond(at));
  }
  const last = await shownAt(end);
  violations.push(...exactViolations(history, last, end, 'at the end,'), ...unknownViolations(last, end));
  return violations;
}

beforeAll(async () => {
  running = await startCognitoFake({ pageSize: 2, now: cognitoNow });
  cognito = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1', baseDelayMs: 1 });
  reader = new AwsCognitoReader(cognito, { pageSize: 2 });
});

afterAll(async () => {
  cognito?.destroy();
  await running?.stop();
});

describe('capture of CloudTrail events against the true history of a pool (fake Cognito, pages of 2)', () => {
  // One run at a time: a run left behind by an interrupted shrink would move the shared clock.
  let inFlight: Promise<unknown> = Promise.resolve();
  const holds = async (delivery: Delivery, numRuns: number) => {
    await inFlight;
    await fc.assert(
      fc.asyncProperty(trailScenarioArb, async (scenario) => {
        await inFlight;
        const running = runScenario(scenario, delivery);
        inFlight = running.catch(() => undefined);
        const { violations, trace } = await running;
        // On failure the message carries the calls and deliveries as executed, with their instants.
        expect([...new Set(violations)], `trace:\n  ${trace.join('\n  ')}\n`).toEqual([]);
      }),
      // A failure's shrinking stops after a minute, reporting the smallest counterexample found by then.
      { numRuns, interruptAfterTimeLimit: 60_000 },
    );
  };

  it('delivered late, out of order and twice: each shown field is true at every call boundary or marked unknown; at the end all is known and exact', async () => {
    await holds('late', 20);
  }, 120_000);

  it('delivered at once and in order: every call boundary is exact and nothing is ever unknown', async () => {
    await holds('immediate', 10);
  }, 120_000);
});
