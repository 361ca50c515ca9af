import {
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  advance,
  apply,
  boundaryInstants,
  exactViolations,
  iso,
  plan,
  pointInTimeViolations,
  type RunningCognitoFake,
  type Scenario,
  type Step,
  scenarioArb,
  startCognitoFake,
  TrueHistory,
} from '@cognito-rewind/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCognitoReader } from '../adapters/aws/awsCognitoReader.js';
import { createCognitoClient } from '../adapters/aws/cognitoClient.js';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { MemoryChangeLog } from '../adapters/memory/memoryChangeLog.js';
import { verifyChain } from '../changes/verifyChain.js';
import { readPoolState } from '../cognito/readPoolState.js';
import type { EntityEntry } from '../model/poolState.js';
import type { Clock } from '../ports.js';
import { collectState, stateAt } from '../replay/stateAt.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';
import { takeBackup } from './takeBackup.js';

/**
 * The whole backup path against a recorded true history: a Cognito-protocol fake over loopback, the
 * real SDK reader, takeBackup, the change log, snapshots and stateAt. Operations and backups happen at
 * strictly increasing instants of one hand-moved clock, shared by the fake and the backup; after each
 * operation the pool is read (as a backup reads it) to record what was true from that instant on.
 */

let now = Date.parse('2024-06-01T10:00:00.250Z');
let wholeSecondDates = false;
/** The backup's clock: the instant each step happens. */
const clock: Clock = { now: () => new Date(now) };
/** The fake's clock: the same instant, cut to its second in runs where Cognito's dates are whole seconds. */
const cognitoNow = () => new Date(wholeSecondDates ? Math.floor(now / 1000) * 1000 : now);
let running: RunningCognitoFake;
let cognito: CognitoIdentityProviderClient;
let reader: AwsCognitoReader;

/** Runs one scenario on a new pool; returns what broke, with the executed trace for diagnosis. */
async function run(scenario: Scenario): Promise<{ violations: string[]; trace: string[] }> {
  const stores = { snapshots: new SnapshotStore(new MemoryBlobStore()), changeLog: new MemoryChangeLog() };
  now += 3_600_000; // every run later than the last: ids and snapshot keys follow the clock
  wholeSecondDates = scenario.wholeSecondDates;
  const created = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'property',
      Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
    }),
  );
  const poolId = created.UserPool?.Id ?? '';
  const history = new TrueHistory();
  const observe = async () => history.record(now, (await readPoolState(reader, poolId)).entities);
  await observe();
  const trace = [`Cognito dates in ${wholeSecondDates ? 'whole seconds' : 'milliseconds'}`];
  const backups: number[] = [];
  const steps: Step[] = [
    ...scenario.setup,
    { gap: { ms: 1 }, action: { op: 'backup' } },
    ...scenario.body,
    { gap: scenario.gapToLast, action: { op: 'backup' } },
  ];
  for (const step of steps) {
    // Each operation of a step at its own instant, so the history holds every state in between.
    for (const action of plan(step.action, history.at(now))) {
      now = advance(now, step.gap);
      trace.push(`${iso(now)} ${JSON.stringify(action)}`);
      if (action.op === 'backup') {
        const result = await takeBackup({ ...stores, reader, clock }, poolId);
        backups.push(Date.parse(result.manifest.at));
      } else {
        await apply(cognito, poolId, action);
        await observe();
      }
    }
  }
  const violations = await check(stores, poolId, history, backups, scenario.probes);
  return { violations, trace };
}

async function check(
  stores: { snapshots: SnapshotStore; changeLog: MemoryChangeLog },
  poolId: string,
  history: TrueHistory,
  backups: number[],
  probes: number[],
): Promise<string[]> {
  const shownAt = async (at: number) => collectState(await stateAt(stores, poolId, iso(at)));
  const violations: string[] = [];
  // (a) at each backup, the replay is exactly the truth
  for (const at of backups) violations.push(...exactViolations(history, await shownAt(at), at));
  // (b) in between, never a later state at an earlier time
  const first = backups[0] ?? now;
  const end = now + 1_500;
  const instants = [
    ...probes.map((p) => first + Math.floor(((end - first) * p) / 1_000_000)),
    ...boundaryInstants([...history.times(), ...backups], first, end),
  ];
  for (const at of [...new Set(instants)].sort((a, b) => a - b)) {
    const from = backups.filter((b) => b <= at).at(-1) ?? first;
    violations.push(...pointInTimeViolations(history, await shownAt(at), from, at));
  }
  // (c) every entity's records form an unbroken chain from the first snapshot
  const [firstManifest] = await stores.snapshots.list(poolId);
  const base = new Map<string, EntityEntry>();
  if (firstManifest !== undefined)
    for await (const entry of (await stores.snapshots.open(firstManifest)).entries)
      base.set(entry.key, entry);
  const keys = new Set<string>();
  for await (const record of stores.changeLog.timeline(poolId)) keys.add(record.entity);
  for (const key of keys) {
    const start = base.get(key) ?? { version: 0, hash: null, doc: null };
    const records = [];
    for await (const record of stores.changeLog.entityHistory(poolId, key))
      if (record.version > start.version) records.push(record);
    const problems = verifyChain(records, start);
    violations.push(...problems.map((p) => `chain ${p.entity} v${p.version}: ${p.problem}`));
  }
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

describe('backups replayed with stateAt, against the true history of a pool (fake Cognito, pages of 2)', () => {
  it('show the true state at each backup, never a later state at an earlier time, and unbroken chains', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { violations, trace } = await run(scenario);
        // On failure the message carries the steps as executed, with their instants.
        expect([...new Set(violations)], `steps:\n  ${trace.join('\n  ')}\n`).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
