import { performance } from 'node:perf_hooks';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Clock } from '@cognito-rewind/core';
import {
  type ApplyDeps,
  type ApplyResult,
  applyPlan,
  canonicalStringify,
  deepEqual,
  type EntityKey,
  entityKey,
  identitiesOf,
  type JsonObject,
  type PreparedRestore,
  parseEntityKey,
  prepareRestore,
  RateLimiter,
  type RateLimiterOptions,
  type RestoreRequest,
  readPoolState,
  SnapshotStore,
  summarizeJournal,
  takeBackup,
  writableView,
} from '@cognito-rewind/core';
import { AwsCognitoReader, AwsCognitoWriter, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { MemoryBlobStore, MemoryChangeLog, MemoryRestoreJournal } from '@cognito-rewind/core/adapters/memory';
import { type CognitoFakeOptions, type RunningCognitoFake, startCognitoFake } from './cognitoFake/index.js';

/**
 * Test support for restore specs: the in-memory Cognito fake, the AWS adapters pointed at it, a
 * memory store, and a clock shared by the fake and the test and moved by hand. A restore runs as the
 * CLI runs it: `prepareRestore`, then `applyPlan`. No test framework imported.
 */
export interface FakeRestoreEnv {
  readonly running: RunningCognitoFake;
  /** The SDK client for seeding and breaking pools (no retries). */
  readonly cognito: CognitoIdentityProviderClient;
  readonly reader: AwsCognitoReader;
  readonly writer: AwsCognitoWriter;
  readonly store: { snapshots: SnapshotStore; changeLog: MemoryChangeLog };
  readonly clock: Clock;
  /** Moves the shared clock forward; returns the new time as ISO-8601. */
  advance(ms: number): string;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFakeRestoreEnv(
  options: Omit<CognitoFakeOptions, 'now'> = {},
): Promise<FakeRestoreEnv> {
  let now = Date.parse('2024-06-01T10:00:00.000Z');
  const clock: Clock = { now: () => new Date(now) };
  const running = await startCognitoFake({ pageSize: 2, ...options, now: clock.now });
  const client = () => createCognitoClient({ endpoint: running.endpoint, maxAttempts: 1 });
  const cognito = client();
  const reader = new AwsCognitoReader(client(), { pageSize: options.pageSize ?? 2 });
  const writer = new AwsCognitoWriter(client());
  return {
    running,
    cognito,
    reader,
    writer,
    store: { snapshots: new SnapshotStore(new MemoryBlobStore()), changeLog: new MemoryChangeLog() },
    clock,
    advance(ms: number) {
      now += ms;
      return new Date(now).toISOString();
    },
    async stop() {
      cognito.destroy();
      reader.close();
      writer.close();
      await running.stop();
    },
  };
}

/** A backup of the pool now. */
export const takeBackupNow = (env: FakeRestoreEnv, poolId: string) =>
  takeBackup({ ...env.store, reader: env.reader, clock: env.clock }, poolId);

/** A backup of the pool now; returns its time (the `at` of a restore to it). */
export async function backupNow(env: FakeRestoreEnv, poolId: string): Promise<string> {
  return (await takeBackupNow(env, poolId)).finishedAt;
}

export interface RestoreRun {
  prepared: PreparedRestore;
  result: ApplyResult;
  journal: MemoryRestoreJournal;
  limiter: RateLimiter;
}

export interface RunOptions {
  rates?: RateLimiterOptions['rates'];
  concurrency?: number;
  /** Runs between the plan and its application (to change the live pool behind the plan's back). */
  beforeApply?: (prepared: PreparedRestore) => Promise<void>;
  apply?: Partial<ApplyDeps>;
  /** The journal of earlier runs of the same restore, which this run continues (default: a new one). */
  journal?: MemoryRestoreJournal;
}

/** prepareRestore then applyPlan, wired as the CLI wires them, with a fresh journal or a given one. */
export async function runRestore(
  env: FakeRestoreEnv,
  request: Omit<RestoreRequest, 'targetPoolId'> & { targetPoolId?: string },
  options: RunOptions = {},
): Promise<RestoreRun> {
  const journal = options.journal ?? new MemoryRestoreJournal();
  const previous = summarizeJournal(await journal.read());
  const full = { ...request, targetPoolId: request.targetPoolId ?? request.sourcePoolId, previous };
  const prepared = await prepareRestore({ ...env.store, reader: env.reader, writer: env.writer }, full);
  await options.beforeApply?.(prepared);
  const limiter = new RateLimiter({
    now: () => performance.now(),
    sleep,
    ...(options.rates ? { rates: options.rates } : {}),
  });
  const deps: ApplyDeps = {
    writer: env.writer,
    reader: env.reader,
    journal,
    limiter,
    clock: env.clock,
    sleep,
    changeLog: env.store.changeLog,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...options.apply,
  };
  const result = await applyPlan(prepared.plan, deps, {
    target: prepared.target,
    userMfa: prepared.userMfa,
    previous,
  });
  return { prepared, result, journal, limiter };
}

/** The pool as a backup would read it now, by entity key. */
export async function livePool(env: FakeRestoreEnv, poolId: string): Promise<Map<EntityKey, JsonObject>> {
  const scan = await readPoolState(env.reader, poolId);
  return new Map(scan.entities.map((e) => [e.key, e.doc] as const));
}

/** A client's or a UI customization's key in the live pool, through the client id ledger. */
export function mappedKey(key: EntityKey, clientIds: ReadonlyMap<string, string>): EntityKey {
  const { kind, id } = parseEntityKey(key);
  if (kind === 'client' && id !== undefined) return entityKey('client', clientIds.get(id) ?? id);
  if (kind === 'ui' && id !== undefined && id !== 'ALL') return entityKey('ui', clientIds.get(id) ?? id);
  return key;
}

/** A user's provider links, comparable: `provider/userId`, sorted. */
export const linksOf = (doc: JsonObject | undefined): string[] =>
  identitiesOf(doc)
    .map((i) => `${i.providerName}/${i.userId}`)
    .sort();

export interface CompareOptions {
  /** Client id at T → live id (the restore's client ledger). */
  clientIds?: ReadonlyMap<string, string>;
  /** Live entities allowed to exist without a counterpart at T (undo mode's kept ones). */
  extra?: readonly EntityKey[];
  /** Keys not compared at all. */
  ignore?: (key: EntityKey) => boolean;
  /** Groups whose memberships are not compared (undo mode keeps those of groups made after T). */
  keptGroups?: readonly string[];
}

/**
 * Every difference between state(T) and the live pool on writable fields (plus user provider links),
 * one line each: an empty list means the restore put back everything it can.
 */
export function writableDifferences(
  target: ReadonlyMap<EntityKey, JsonObject>,
  live: ReadonlyMap<EntityKey, JsonObject>,
  options: CompareOptions = {},
): string[] {
  const clientIds = options.clientIds ?? new Map<string, string>();
  const ignore = options.ignore ?? (() => false);
  const differences: string[] = [];
  const seen = new Set<EntityKey>();
  for (const [key, doc] of target) {
    if (ignore(key)) continue;
    const liveKey = mappedKey(key, clientIds);
    seen.add(liveKey);
    differences.push(...entityDifferences(key, doc, liveKey, live.get(liveKey), options.keptGroups ?? []));
  }
  const extra = new Set(options.extra ?? []);
  for (const key of live.keys())
    if (!seen.has(key) && !extra.has(key) && !ignore(key)) differences.push(`${key}: exists live, not at T`);
  return differences;
}

function entityDifferences(
  key: EntityKey,
  doc: JsonObject,
  liveKey: EntityKey,
  liveDoc: JsonObject | undefined,
  keptGroups: readonly string[],
): string[] {
  const differences: string[] = [];
  const want = writableView(key, doc);
  const have = withoutGroups(writableView(liveKey, liveDoc), keptGroups);
  const where = `${key}${liveKey === key ? '' : ` (live ${liveKey})`}`;
  if (!deepEqual(want, have))
    differences.push(`${where}: want ${canonicalStringify(want)}, have ${canonicalStringify(have)}`);
  if (parseEntityKey(key).kind === 'user' && !deepEqual(linksOf(doc), linksOf(liveDoc)))
    differences.push(`${key}: links ${JSON.stringify(linksOf(doc))} != ${JSON.stringify(linksOf(liveDoc))}`);
  return differences;
}

function withoutGroups(view: JsonObject | null, groups: readonly string[]): JsonObject | null {
  if (view === null || !Array.isArray(view.groups) || groups.length === 0) return view;
  return { ...view, groups: view.groups.filter((g) => !groups.includes(String(g))) };
}

/** The client id ledger of a run as a map. */
export const clientLedger = (result: ApplyResult): Map<string, string> =>
  new Map(result.clients.map((c) => [c.oldClientId, c.newClientId]));

export const SAML_METADATA =
  '<EntityDescriptor entityID="https://idp.corp.example.com"><IDPSSODescriptor/></EntityDescriptor>';
export const OKTA_SECRET = 'okta-secret-never-stored';

export interface FullPool {
  poolId: string;
  arn: string;
  webClientId: string;
  backendClientId: string;
  domain: string;
}

let domains = 0;

/**
 * A pool with every component cognito-local lacks: identity providers (SAML, OIDC with a secret),
 * resource servers, a domain, UI customization (pool default, and two clients), threat protection
 * with a risk configuration, tags, SMS/email/TOTP MFA, users with MFA preferences, groups, and a user
 * linked to the SAML provider. Seeded in process (fast); tests break it through the SDK.
 */
export async function seedFullPool(env: FakeRestoreEnv): Promise<FullPool> {
  const { fake } = env.running;
  const call = (operation: string, input: JsonObject) => fake.call(operation, input);
  const created = call('CreateUserPool', {
    PoolName: 'full',
    Schema: [
      { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
      { Name: 'level', AttributeDataType: 'Number', Mutable: true },
    ],
    UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    UserPoolTags: { team: 'identity', env: 'test' },
    AutoVerifiedAttributes: ['email'],
  }) as { UserPool: { Id: string; Arn: string } };
  const UserPoolId = created.UserPool.Id;
  call('SetUserPoolMfaConfig', {
    UserPoolId,
    MfaConfiguration: 'OPTIONAL',
    SmsMfaConfiguration: {
      SmsAuthenticationMessage: 'Code {####}',
      SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns', ExternalId: 'x' },
    },
    EmailMfaConfiguration: { Message: 'Code {####}', Subject: 'Your code' },
    SoftwareTokenMfaConfiguration: { Enabled: true },
  });
  call('CreateGroup', { UserPoolId, GroupName: 'admins', Description: 'Full access', Precedence: 1 });
  call('CreateGroup', { UserPoolId, GroupName: 'staff', Description: 'Everyone', Precedence: 10 });
  const users: [string, Record<string, string>, string[]][] = [
    [
      'alice',
      { email: 'alice@example.com', email_verified: 'true', 'custom:tenant': 'acme', 'custom:level': '3' },
      ['admins', 'staff'],
    ],
    [
      'bob',
      {
        email: 'bob@example.com',
        email_verified: 'false',
        phone_number: '+15550100',
        'custom:tenant': 'acme',
      },
      ['staff'],
    ],
    ['carol', { email: 'carol@example.com', name: 'Carol' }, []],
    ['dave', { email: 'dave@corp.example.com', 'custom:tenant': 'corp' }, ['staff']],
  ];
  for (const [Username, attributes, groups] of users) {
    const UserAttributes = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
    call('AdminCreateUser', { UserPoolId, Username, UserAttributes, MessageAction: 'SUPPRESS' });
    for (const GroupName of groups) call('AdminAddUserToGroup', { UserPoolId, Username, GroupName });
  }
  call('AdminDisableUser', { UserPoolId, Username: 'carol' });
  call('AdminSetUserMFAPreference', {
    UserPoolId,
    Username: 'alice',
    SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
  });
  call('AdminSetUserMFAPreference', {
    UserPoolId,
    Username: 'bob',
    SMSMfaSettings: { Enabled: true, PreferredMfa: false },
    EmailMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  call('AdminSetUserMFAPreference', {
    UserPoolId,
    Username: 'dave',
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    EmailMfaSettings: { Enabled: true, PreferredMfa: false },
  });
  call('CreateIdentityProvider', {
    UserPoolId,
    ProviderName: 'Corp',
    ProviderType: 'SAML',
    ProviderDetails: { MetadataFile: SAML_METADATA, IDPSignout: 'true' },
    AttributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
    IdpIdentifiers: ['corp.example.com'],
  });
  call('CreateIdentityProvider', {
    UserPoolId,
    ProviderName: 'Okta',
    ProviderType: 'OIDC',
    ProviderDetails: {
      client_id: 'okta-client',
      client_secret: OKTA_SECRET,
      authorize_scopes: 'openid email',
      oidc_issuer: 'https://okta.example.com',
      attributes_request_method: 'GET',
    },
    AttributeMapping: { email: 'email' },
  });
  call('AdminLinkProviderForUser', {
    UserPoolId,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'dave' },
    SourceUser: {
      ProviderName: 'Corp',
      ProviderAttributeName: 'Cognito_Subject',
      ProviderAttributeValue: 'dave@corp',
    },
  });
  call('CreateResourceServer', {
    UserPoolId,
    Identifier: 'https://api.example.com/orders',
    Name: 'orders',
    Scopes: [
      { ScopeName: 'read', ScopeDescription: 'Read orders' },
      { ScopeName: 'write', ScopeDescription: 'Write orders' },
    ],
  });
  call('CreateResourceServer', {
    UserPoolId,
    Identifier: 'https://api.example.com/stock',
    Name: 'stock',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read stock' }],
  });
  const web = call('CreateUserPoolClient', {
    UserPoolId,
    ClientName: 'web',
    SupportedIdentityProviders: ['COGNITO', 'Corp'],
    CallbackURLs: ['https://app.example.com/callback'],
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email'],
    AllowedOAuthFlowsUserPoolClient: true,
    ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
  }) as { UserPoolClient: { ClientId: string } };
  const backend = call('CreateUserPoolClient', {
    UserPoolId,
    ClientName: 'backend',
    GenerateSecret: true,
    AllowedOAuthFlows: ['client_credentials'],
    AllowedOAuthScopes: ['https://api.example.com/orders/read'],
    AllowedOAuthFlowsUserPoolClient: true,
    RefreshTokenValidity: 5,
  }) as { UserPoolClient: { ClientId: string } };
  const domain = `rewind-full-${++domains}-${Date.now().toString(36)}`;
  call('CreateUserPoolDomain', { UserPoolId, Domain: domain });
  call('SetUICustomization', { UserPoolId, CSS: '.banner-customizable { background-color: teal; }' });
  call('SetUICustomization', {
    UserPoolId,
    ClientId: web.UserPoolClient.ClientId,
    CSS: '.label-customizable { color: navy; }',
  });
  call('SetUICustomization', {
    UserPoolId,
    ClientId: backend.UserPoolClient.ClientId,
    CSS: '.submitButton-customizable { color: red; }',
  });
  call('SetRiskConfiguration', {
    UserPoolId,
    RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'] },
    CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
  });
  return {
    poolId: UserPoolId,
    arn: created.UserPool.Arn,
    webClientId: web.UserPoolClient.ClientId,
    backendClientId: backend.UserPoolClient.ClientId,
    domain,
  };
}
