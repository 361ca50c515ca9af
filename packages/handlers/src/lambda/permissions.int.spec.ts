import { COGNITO_READ_ACTIONS, COGNITO_WRITE_ACTIONS } from '@cognito-rewind/core/adapters/aws';
import { type RecordingProxy, startRecordingProxy } from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveHandler } from '../archive/createArchiveHandler.js';
import { burstAlarmFromEnv, eventBridgeAnnouncer } from '../capture/burstAlarm.js';
import { captureWiring } from '../capture/captureWiring.js';
import { createCaptureHandler } from '../capture/createCaptureHandler.js';
import { type HandlerDeps, handlerDepsFromEnv } from '../env/handlerDepsFromEnv.js';
import { createReconcileHandler } from '../reconcile/createReconcileHandler.js';
import { createSnapshotHandler } from '../snapshot/createSnapshotHandler.js';
import { type EventBridgeServer, startEventBridgeServer } from '../testing/eventBridgeServer.testing.js';
import { cognitoEvent, lambdaContext, messageOf, sqsEvent } from '../testing/lambdaEvents.testing.js';
import { type LoopbackStack, startLoopbackStack } from '../testing/loopbackStack.testing.js';
import { RecordingLogger, RecordingMetrics } from '../testing/powertools.testing.js';
import { FUNCTION_PERMISSIONS, type FunctionName } from './permissions.js';

/**
 * Each function's handler, wired as Lambda wires it (`handlerDepsFromEnv`), talks to cognito-local,
 * dynalite and s3rver through recording proxies; every request is named by the IAM action AWS would
 * authorize it by, and held to the function's declared list. Setup (the pool, its changes) goes to
 * the servers directly: it is not the function's.
 */

/**
 * Declared actions no loopback run sends, and why. Any other declared action the workload below does
 * not send fails the last spec: a list holds what the code sends, nothing more.
 */
const LARGE_RECORD =
  'a change record over 350 KB, whose body goes to the bucket (no Cognito entity comes near)';
const MULTIPART_ABORT = 'an upload over 5 MiB failing midway';
const NO_IDP = 'cognito-local has no identity providers, so none is listed or described';
const NO_DOMAIN = 'cognito-local has no domains, so no domain or UI customization is read';
const KNOWN_UNEXERCISED: Record<FunctionName, Record<string, string>> = {
  capture: {
    'cognito-idp:DescribeUserPoolDomain': 'cognito-local has no domains: a pool names none to describe',
    'dynamodb:UpdateItem': 'an event guard taken over needs a writer that died between guard and record',
    'dynamodb:DeleteItem': 'a guard given back needs two events racing for one version',
    's3:PutObject': LARGE_RECORD,
  },
  snapshot: {
    'cognito-idp:DescribeIdentityProvider': NO_IDP,
    'cognito-idp:DescribeUserPoolDomain': NO_DOMAIN,
    'cognito-idp:GetUICustomization': NO_DOMAIN,
    's3:AbortMultipartUpload': MULTIPART_ABORT,
  },
  archive: {
    's3:AbortMultipartUpload': MULTIPART_ABORT,
  },
  reconcile: {
    'cognito-idp:DescribeIdentityProvider': NO_IDP,
    'cognito-idp:DescribeResourceServer': 'cognito-local has no resource servers to vanish',
    'cognito-idp:AdminListGroupsForUser':
      'a user missing from the listing yet there when re-read: one created or renamed during the scan',
    'cognito-idp:DescribeUserPoolDomain': NO_DOMAIN,
    'cognito-idp:GetUICustomization': NO_DOMAIN,
    's3:PutObject': LARGE_RECORD,
  },
};

let stack: LoopbackStack;
let proxies: {
  cognito: RecordingProxy;
  dynamodb: RecordingProxy;
  s3: RecordingProxy;
  events: RecordingProxy;
};
/** EventBridge has no emulator: a loopback server answers PutEvents (capture's burst alarm). */
let eventBridge: EventBridgeServer;
let poolId: string;
const subs = new Map<string, string>();
const opened: HandlerDeps[] = [];
/** What each function sent over the whole workload. */
const sent = new Map<FunctionName, Set<string>>();

beforeAll(async () => {
  [stack, eventBridge] = await Promise.all([startLoopbackStack(), startEventBridgeServer()]);
  const [cognito, dynamodb, s3, events] = await Promise.all([
    startRecordingProxy('cognito-idp', stack.env.REWIND_COGNITO_ENDPOINT),
    startRecordingProxy('dynamodb', stack.env.REWIND_DYNAMODB_ENDPOINT),
    startRecordingProxy('s3', stack.env.REWIND_S3_ENDPOINT),
    startRecordingProxy('events', eventBridge.endpoint),
  ]);
  proxies = { cognito, dynamodb, s3, events };
  ({ poolId } = await stack.writer.createUserPool({ PoolName: 'permissions' }));
  for (const name of ['alice', 'bob', 'carol']) await newUser(name);
  await stack.writer.createGroup(poolId, { GroupName: 'admins' });
  await stack.writer.addUserToGroup(poolId, 'alice', 'admins');
  await stack.writer.createGroup(poolId, { GroupName: 'temps' });
  await stack.writer.addUserToGroup(poolId, 'bob', 'temps');
  await stack.writer.createClient(poolId, { ClientName: 'web' });
}, 60_000);

afterAll(async () => {
  for (const deps of opened.splice(0)) deps.close();
  await Promise.all(Object.values(proxies ?? {}).map((proxy) => proxy.stop()));
  await Promise.all([stack?.stop(), eventBridge?.stop()]);
});

async function newUser(name: string): Promise<void> {
  const user = await stack.writer.createUser(poolId, name, { name }, { suppressMessages: true });
  subs.set(name, user.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '');
}

/** A function's container: its own clients, through the proxies. */
function container(): HandlerDeps {
  const deps = handlerDepsFromEnv({
    ...stack.env,
    REWIND_COGNITO_ENDPOINT: proxies.cognito.endpoint,
    REWIND_DYNAMODB_ENDPOINT: proxies.dynamodb.endpoint,
    REWIND_S3_ENDPOINT: proxies.s3.endpoint,
    REWIND_POOL_IDS: poolId,
  });
  opened.push(deps);
  return deps;
}

const powertools = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics() });

/** Runs `work` as `fn`, then holds every action it sent to `fn`'s list. */
async function as<T>(fn: FunctionName, work: () => Promise<T>): Promise<T> {
  for (const proxy of Object.values(proxies)) proxy.clear();
  const result = await work();
  const actions = Object.values(proxies).flatMap((proxy) => proxy.actions());
  const declared = FUNCTION_PERMISSIONS[fn];
  const allowed = new Set<string>([
    ...declared.cognito,
    ...declared.dynamodb,
    ...declared.s3,
    ...('events' in declared ? declared.events : []),
  ]);
  expect(
    actions.filter((action) => !allowed.has(action)),
    `${fn} sent actions its list does not hold`,
  ).toEqual([]);
  const all = sent.get(fn) ?? new Set<string>();
  for (const action of actions) all.add(action);
  sent.set(fn, all);
  return result;
}

describe('each function sends only what its list holds', () => {
  it('snapshot: a pool’s first full read', async () => {
    const snapshot = createSnapshotHandler({ ...container(), ...powertools() });
    const result = await as('snapshot', () => snapshot());
    expect(result.pools).toMatchObject([{ poolId, outcome: 'firstRead' }]);
  });

  it('capture: creates, attribute and group changes, a delete, pool and client events, a redelivery', async () => {
    const deps = container();
    // The burst alarm as the capture Lambda wires it, with a threshold the workload's two
    // destructive calls (a user and a group deleted, one caller) cross.
    const alarm = burstAlarmFromEnv({
      AWS_REGION: 'us-east-1',
      REWIND_EVENTBRIDGE_ENDPOINT: proxies.events.endpoint,
      REWIND_BURST_COUNT: '2',
      REWIND_BURST_MINUTES: '5',
    });
    const bursts = {
      checkpoints: deps.checkpoints,
      threshold: alarm.threshold,
      announce: eventBridgeAnnouncer(alarm.client, alarm.threshold),
    };
    const capture = createCaptureHandler({ ...deps, ...captureWiring(deps), ...powertools(), bursts });
    await newUser('dave');
    await stack.writer.updateUserAttributes(poolId, 'alice', { name: 'Alice Changed' });
    await stack.writer.addUserToGroup(poolId, 'bob', 'admins');
    await stack.writer.deleteUser(poolId, 'carol');
    await stack.writer.createGroup(poolId, { GroupName: 'ops' });
    await stack.writer.deleteGroup(poolId, 'temps');
    const { clientId } = await stack.writer.createClient(poolId, { ClientName: 'mobile' });
    await stack.writer.setMfaConfig(poolId, { MfaConfiguration: 'OFF' });
    const pool = (name: string, edit?: Parameters<typeof cognitoEvent>[1]['edit']) =>
      cognitoEvent(name, { poolId, ...(edit === undefined ? {} : { edit }) });
    const group = (name: string) => (d: { requestParameters: Record<string, unknown> }) => {
      d.requestParameters.groupName = name;
    };
    const events = [
      cognitoEvent('AdminCreateUser', { poolId, sub: subs.get('dave') }),
      cognitoEvent('AdminUpdateUserAttributes', { poolId, sub: subs.get('alice') }),
      cognitoEvent('AdminAddUserToGroup', { poolId, sub: subs.get('bob'), edit: group('admins') }),
      cognitoEvent('AdminDeleteUser', { poolId, sub: subs.get('carol') }),
      // Nobody the log or Cognito knows: handed to reconcile (a request in the checkpoints).
      cognitoEvent('AdminUpdateUserAttributes', { poolId, sub: '00000000-0000-4000-8000-000000000000' }),
      pool('CreateGroup', group('ops')),
      // Its members are read from the recorded state (the newest snapshot and the records since).
      pool('DeleteGroup', group('temps')),
      pool('CreateUserPoolClient', (d) => {
        const element = (d.responseElements as { userPoolClient: Record<string, unknown> }).userPoolClient;
        element.clientId = clientId;
        element.userPoolId = poolId;
      }),
      pool('SetUserPoolMfaConfig'),
      pool('UpdateUserPool'),
      // Components cognito-local lacks: each re-read is sent, answered "unsupported", and handed on.
      pool('CreateIdentityProvider'),
      pool('CreateResourceServer'),
      pool('SetUICustomization', (d) => {
        d.requestParameters.clientId = clientId;
      }),
      pool('TagResource', (d) => {
        d.requestParameters.resourceArn = `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${poolId}`;
      }),
    ];
    const batch = events.map((event) => messageOf(event));
    const first = await as('capture', () => capture(sqsEvent(...batch), lambdaContext()));
    expect(first.batchItemFailures).toEqual([]);
    // SQS delivers at least once: the same batch again finds every event stored.
    const again = await as('capture', () => capture(sqsEvent(...batch), lambdaContext()));
    expect(again.batchItemFailures).toEqual([]);
    expect(eventBridge.events()).toHaveLength(1);
  });

  it('archive: the records appended since the last run, to a delta segment', async () => {
    const archive = createArchiveHandler({ ...container(), ...powertools() });
    const result = await as('archive', () => archive({ source: 'aws.events' }));
    expect(result.pools).toMatchObject([{ poolId, outcome: 'archived' }]);
    expect((result.pools[0] as { segments: string[] }).segments).toHaveLength(1);
  });

  it('reconcile: drift, a user created and one deleted behind capture’s back', async () => {
    await stack.writer.updateUserAttributes(poolId, 'bob', { name: 'Bob Drifted' });
    await newUser('erin');
    await stack.writer.deleteUser(poolId, 'dave');
    await stack.writer.deleteGroup(poolId, 'ops');
    const reconcile = createReconcileHandler({ ...container(), ...powertools(), graceMs: 0 });
    const plenty = { getRemainingTimeInMillis: () => 900_000 };
    const result = await as('reconcile', () => reconcile({ reconcile: [poolId] }, plenty));
    expect(result.pools).toMatchObject([{ poolId, outcome: 'finished' }]);
  });

  it('snapshot: a compaction of the newest snapshot and the records since', async () => {
    const snapshot = createSnapshotHandler({ ...container(), ...powertools() });
    const result = await as('snapshot', () => snapshot());
    expect(result.pools).toMatchObject([{ poolId, outcome: 'compacted' }]);
  });
});

/** A function's EventBridge actions (only capture has any). */
const eventsOf = (fn: FunctionName): readonly string[] => {
  const declared = FUNCTION_PERMISSIONS[fn];
  return 'events' in declared ? declared.events : [];
};

describe('the declared lists', () => {
  const functions = Object.keys(FUNCTION_PERMISSIONS) as FunctionName[];

  it('name exactly the functions scripts/bundle.mjs builds', async () => {
    const { LAMBDAS } = await import('../../scripts/bundle.mjs');
    expect([...functions].sort()).toEqual([...(LAMBDAS as string[])].sort());
  });

  it('hold no wildcard, and no Cognito action but a read of the AWS reader', () => {
    const reads = new Set<string>(COGNITO_READ_ACTIONS);
    const writes = new Set<string>(COGNITO_WRITE_ACTIONS);
    for (const fn of functions) {
      const { cognito, dynamodb, s3, kms } = FUNCTION_PERMISSIONS[fn];
      const events = eventsOf(fn);
      for (const action of [...cognito, ...dynamodb, ...s3, ...kms, ...events])
        expect(action, fn).not.toContain('*');
      expect(cognito.filter((action) => writes.has(action) || !reads.has(action))).toEqual([]);
      for (const [service, actions] of Object.entries({ cognito, dynamodb, s3, kms, events }))
        expect(new Set(actions).size, `${fn} ${service}`).toBe(actions.length);
    }
  });

  it('hold nothing the workload did not send, but what loopback servers cannot exercise', () => {
    for (const fn of functions) {
      const { cognito, dynamodb, s3 } = FUNCTION_PERMISSIONS[fn];
      const events = eventsOf(fn);
      const exercised = sent.get(fn) ?? new Set<string>();
      const known = KNOWN_UNEXERCISED[fn];
      const unexercised = [...cognito, ...dynamodb, ...s3, ...events].filter(
        (action) => !exercised.has(action),
      );
      expect(
        unexercised.filter((action) => known[action] === undefined),
        `${fn}: unexercised`,
      ).toEqual([]);
      // Every excuse is for an action the list holds and the workload does not send.
      const declared = new Set<string>([...cognito, ...dynamodb, ...s3, ...events]);
      const stale = Object.keys(known).filter((action) => !declared.has(action) || exercised.has(action));
      expect(stale, `${fn}: stale excuses`).toEqual([]);
    }
  });
});
