import {
  AdminDeleteUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolDomainCommand,
  DeleteIdentityProviderCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolDomainCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  SetUICustomizationCommand,
  UpdateGroupCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  backupNow,
  breakEverything,
  clientLedger,
  type FakeRestoreEnv,
  livePool,
  OKTA_SECRET,
  runRestore,
  seedFullPool,
  startFakeRestoreEnv,
  writableDifferences,
} from '@cognito-rewind/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import { createPoolInput } from './plan/createPoolInput.js';
import { NewPoolReader, newPoolId, unconfirmedActions } from './plan/newPoolReader.js';
import { prepareRestore } from './plan/prepareRestore.js';
import { RESTORE_SCOPES, type RestorePlan } from './plan/restorePlan.js';
import { SchemaMismatchError } from './plan/schemaCheck.js';
import { writableView } from './plan/writableView.js';

let env: FakeRestoreEnv;

beforeAll(async () => {
  env = await startFakeRestoreEnv();
});

afterAll(async () => {
  await env?.stop();
});

/** Keys of entities made after T by `breakEverything`, once their ids are known. */
const kinds = (keys: readonly EntityKey[]) => keys.map((k) => k.replace(/^client:.*/, 'client:…'));

describe('restore on the in-memory Cognito: every component cognito-local lacks', () => {
  it('undo puts back every writable field of state(T), and keeps (and lists) what was made after T', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const late = await breakEverything(env, pool);
    env.advance(60_000);

    const { prepared, result } = await runRestore(env, { sourcePoolId: pool.poolId, at, mode: 'undo' });
    const { plan, target } = prepared;
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(plan.kept).toEqual(
      [
        `client:${late.clientId}`,
        'group:late',
        'idp:Late',
        'resourceServer:https://api.example.com/late',
        'user:zed',
      ].sort(),
    );
    // Nothing made after T was touched by an undo.
    expect(plan.tasks.filter((t) => plan.kept.includes(t.entity))).toEqual([]);

    const live = await livePool(env, pool.poolId);
    const clientIds = clientLedger(result);
    const ignore = (key: EntityKey) => key === 'tags';
    expect(
      writableDifferences(target, live, { clientIds, extra: plan.kept, keptGroups: ['late'], ignore }),
    ).toEqual([]);
    // The tags of T are back, and the one added after T is kept (and said so).
    expect(live.get('tags')).toEqual({ ...target.get('tags'), owner: 'someone' });
    expect(plan.notes).toContainEqual(expect.objectContaining({ kind: 'createdAfter', entity: 'tags' }));
    // Kept as they are: alice is still in the group made after T, zed still exists and is in staff.
    expect(live.get('user:alice')?.groups).toEqual(['admins', 'late', 'staff']);
    expect(live.get('user:zed')?.groups).toEqual(['staff']);
    expect(live.get(`client:${late.clientId}`)).toBeDefined();
  });

  it('exact makes the pool state(T): what was made after T is deleted too', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const late = await breakEverything(env, pool);
    env.advance(60_000);

    const { prepared, result } = await runRestore(env, { sourcePoolId: pool.poolId, at, mode: 'exact' });
    const { plan, target } = prepared;
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(plan.kept).toEqual([]);
    const deletions = plan.tasks.filter((t) => t.phase === 'deletions').map((t) => t.entity);
    expect(kinds(deletions).sort()).toEqual(
      [
        'client:…',
        'group:late',
        'idp:Late',
        'resourceServer:https://api.example.com/late',
        'user:zed',
      ].sort(),
    );
    expect(deletions).toContain(`client:${late.clientId}`);

    const live = await livePool(env, pool.poolId);
    expect(writableDifferences(target, live, { clientIds: clientLedger(result) })).toEqual([]);
  });

  it('re-creates a deleted client with a new id, a new secret, and its UI customization under the new id', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    await env.cognito.send(
      new DeleteUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.backendClientId }),
    );
    const { prepared, result } = await runRestore(env, { sourcePoolId: pool.poolId, at, mode: 'undo' });
    expect(result.ok).toBe(true);

    expect(result.clients).toHaveLength(1);
    const [entry] = result.clients;
    expect(entry).toMatchObject({ clientName: 'backend', oldClientId: pool.backendClientId });
    expect(entry?.newClientId).toMatch(/^[a-z0-9]{26}$/);
    expect(entry?.newClientId).not.toBe(pool.backendClientId);
    const described = await env.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: entry?.newClientId }),
    );
    // GenerateSecret: the client had a secret at T, so the new one has one too (a new one: noted).
    expect(described.UserPoolClient?.ClientSecret).toMatch(/^[a-z0-9]{51}$/);
    expect(
      prepared.plan.notes
        .filter((n) => n.entity === `client:${pool.backendClientId}`)
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['clientId', 'clientSecret']);
    const live = await livePool(env, pool.poolId);
    const oldUi = prepared.target.get(`ui:${pool.backendClientId}`);
    expect(oldUi?.CSS).toBe('.submitButton-customizable { color: red; }');
    expect(writableView('ui:x', live.get(`ui:${entry?.newClientId}`))).toEqual({ CSS: oldUi?.CSS });
    expect(live.has(`ui:${pool.backendClientId}`)).toBe(false);
    expect(writableDifferences(prepared.target, live, { clientIds: clientLedger(result) })).toEqual([]);
  });

  it('re-creates a deleted linked user with a new sub (ledger: old → new), its MFA, groups and provider link', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: 'dave' }));
    const { prepared, result } = await runRestore(env, { sourcePoolId: pool.poolId, at, mode: 'undo' });
    expect(result.ok).toBe(true);

    const oldSub = (prepared.target.get('user:dave')?.attributes as Record<string, string> | undefined)?.sub;
    const now = await env.cognito.send(
      new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'dave' }),
    );
    const newSub = now.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    expect(newSub).toBeDefined();
    expect(newSub).not.toBe(oldSub);
    expect(result.subs).toEqual([{ username: 'dave', oldSub, newSub }]);
    const identities = JSON.parse(now.UserAttributes?.find((a) => a.Name === 'identities')?.Value ?? '[]');
    expect(identities).toMatchObject([{ providerName: 'Corp', userId: 'dave@corp' }]);
    expect(now.UserMFASettingList).toEqual(['EMAIL_OTP']);
    const notes = prepared.plan.notes.filter((n) => n.entity === 'user:dave').map((n) => n.kind);
    expect(notes.sort()).toEqual(['password', 'sub', 'totp']);
    expect(result.users).toEqual([
      { username: 'dave', statusAtT: 'FORCE_CHANGE_PASSWORD', statusNow: 'FORCE_CHANGE_PASSWORD' },
    ]);
    expect(writableDifferences(prepared.target, await livePool(env, pool.poolId))).toEqual([]);
  });

  it('re-links a user whose provider link was removed, and one whose provider was deleted with it', async () => {
    const pool = await seedFullPool(env);
    const UserPoolId = pool.poolId;
    env.running.fake.call('AdminLinkProviderForUser', {
      UserPoolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'alice' },
      SourceUser: {
        ProviderName: 'Okta',
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: 'okta-alice',
      },
    });
    const at = await backupNow(env, UserPoolId);
    env.advance(60_000);
    await env.cognito.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId,
        User: {
          ProviderName: 'Corp',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: 'dave@corp',
        },
      }),
    );
    await env.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'alice' }));
    await env.cognito.send(new DeleteIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta' }));
    const { prepared, result } = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(
      result.outcomes
        .filter((o) => o.kind === 'linkProvider')
        .map((o) => o.action)
        .sort(),
    ).toEqual(['linkProvider user:alice Okta:okta-alice', 'linkProvider user:dave Corp:dave@corp']);
    expect(writableDifferences(prepared.target, await livePool(env, UserPoolId))).toEqual([]);
  });

  it('--revert of one recorded change puts that entity back as it was just before', async () => {
    const pool = await seedFullPool(env);
    const UserPoolId = pool.poolId;
    await backupNow(env, UserPoolId);
    env.advance(60_000);
    await env.cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId,
        Username: 'bob',
        UserAttributes: [{ Name: 'custom:tenant', Value: 'oops' }],
      }),
    );
    await env.cognito.send(
      new UpdateGroupCommand({ UserPoolId, GroupName: 'staff', Description: 'also changed' }),
    );
    env.advance(60_000);
    await backupNow(env, UserPoolId);
    const { toArray } = await import('../asyncIterables.js');
    const records = await toArray(env.store.changeLog.timeline(UserPoolId));
    // bob's change, not the baseline the first backup wrote for him.
    const change = records.find(
      (r) =>
        r.entity === 'user:bob' &&
        r.version > 1 &&
        r.after?.attributes !== undefined &&
        (r.after.attributes as Record<string, string>)['custom:tenant'] === 'oops',
    );
    expect(change).toBeDefined();
    env.advance(60_000);
    const { prepared, result } = await runRestore(env, {
      sourcePoolId: UserPoolId,
      at: '',
      mode: 'undo',
      revert: change?.id,
    });
    expect(prepared.plan.mode).toBe('exact');
    expect(prepared.plan.tasks.map((t) => t.entity)).toEqual(['user:bob']);
    expect(result.outcomes.map((o) => [o.action, o.status])).toEqual([
      ['updateUserAttributes user:bob', 'done'],
    ]);
    const live = await livePool(env, UserPoolId);
    expect(live.get('user:bob')?.attributes).toMatchObject({ 'custom:tenant': 'acme' });
    // The other change is left alone.
    expect(live.get('group:staff')?.Description).toBe('also changed');
  });

  it('--revert of a group change puts back that group only, never the memberships in it', async () => {
    const pool = await seedFullPool(env);
    const UserPoolId = pool.poolId;
    await backupNow(env, UserPoolId);
    env.advance(60_000);
    await env.cognito.send(
      new UpdateGroupCommand({ UserPoolId, GroupName: 'staff', Description: 'changed', Precedence: 3 }),
    );
    env.advance(60_000);
    // A later, unrelated change to who is in the group: the group's revert must leave it alone.
    await env.cognito.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'alice', GroupName: 'staff' }),
    );
    env.advance(60_000);
    await backupNow(env, UserPoolId);
    const { toArray } = await import('../asyncIterables.js');
    const records = await toArray(env.store.changeLog.timeline(UserPoolId));
    const change = records.find((r) => r.entity === 'group:staff' && r.after?.Description === 'changed');
    expect(change).toBeDefined();
    env.advance(60_000);
    const { prepared, result } = await runRestore(env, {
      sourcePoolId: UserPoolId,
      at: '',
      mode: 'undo',
      revert: change?.id,
    });
    expect(prepared.plan.tasks.map((t) => t.entity)).toEqual(['group:staff']);
    expect(result.outcomes.map((o) => [o.action, o.status])).toEqual([['updateGroup group:staff', 'done']]);
    // Said, not silent: the membership that differs from then is left to its user's own record.
    expect(prepared.plan.notes).toContainEqual({
      kind: 'revertScope',
      entity: 'group:staff',
      message: expect.stringContaining('1 user(s)'),
    });
    const live = await livePool(env, UserPoolId);
    expect(writableView('group:staff', live.get('group:staff'))).toEqual({
      Description: 'Everyone',
      Precedence: 10,
    });
    expect(live.get('user:alice')?.groups).toEqual(['admins']);
  });

  it('re-creates a deleted OIDC provider without its secret, and says so; an update keeps the live secret', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const UserPoolId = pool.poolId;
    await env.cognito.send(new DeleteIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta' }));
    const okta = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' });
    expect(okta.result.ok).toBe(true);
    expect(okta.prepared.target.get('idp:Okta')?.OmittedSecrets).toEqual(['client_secret']);
    expect(okta.prepared.plan.notes).toContainEqual(
      expect.objectContaining({ kind: 'identityProviderSecret', entity: 'idp:Okta' }),
    );
    const recreated = await env.cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta' }),
    );
    expect(recreated.IdentityProvider?.ProviderDetails?.client_secret).toBeUndefined();
    expect(recreated.IdentityProvider?.ProviderDetails?.client_id).toBe('okta-client');

    // The administrator enters the secret again; a later change and restore must not erase it.
    const details = { ...recreated.IdentityProvider?.ProviderDetails, client_secret: OKTA_SECRET };
    await env.cognito.send(
      new UpdateIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta', ProviderDetails: details }),
    );
    const at2 = await backupNow(env, UserPoolId);
    env.advance(60_000);
    await env.cognito.send(
      new UpdateIdentityProviderCommand({
        UserPoolId,
        ProviderName: 'Okta',
        ProviderDetails: { ...details, authorize_scopes: 'openid' },
      }),
    );
    const update = await runRestore(env, { sourcePoolId: UserPoolId, at: at2, mode: 'undo' });
    expect(update.result.outcomes.map((o) => [o.kind, o.status])).toEqual([
      ['updateIdentityProvider', 'done'],
    ]);
    const after = await env.cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId, ProviderName: 'Okta' }),
    );
    expect(after.IdentityProvider?.ProviderDetails).toMatchObject({
      authorize_scopes: 'openid email',
      client_secret: OKTA_SECRET,
    });
  });

  it('puts back a deleted domain and the UI customization that needs it', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const UserPoolId = pool.poolId;
    await env.cognito.send(
      new SetUICustomizationCommand({ UserPoolId, CSS: '.banner-customizable { color: pink; }' }),
    );
    await env.cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId, Domain: pool.domain }));

    const { prepared, result } = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    // The domain first: SetUICustomization needs one.
    const entities = prepared.plan.tasks.map((t) => t.entity);
    expect(entities[0]).toBe('domain');
    expect(entities.slice(1).sort()).toEqual(
      ['ui:ALL', `ui:${pool.webClientId}`, `ui:${pool.backendClientId}`].sort(),
    );
    expect(writableDifferences(prepared.target, await livePool(env, UserPoolId))).toEqual([]);
  });

  it('undo never replaces a domain made after T in place of the one at T; exact does, and says so', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const UserPoolId = pool.poolId;
    const late = `late-${pool.domain}`;
    await env.cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId, Domain: pool.domain }));
    await env.cognito.send(new CreateUserPoolDomainCommand({ UserPoolId, Domain: late }));
    const domainsOf = async () => Object.keys((await livePool(env, UserPoolId)).get('domain') ?? {});

    const undo = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' });
    expect(undo.result.ok).toBe(true);
    expect(undo.prepared.plan.tasks.filter((t) => t.entity === 'domain')).toEqual([]);
    expect(undo.prepared.plan.notes).toContainEqual({
      kind: 'domainReplacement',
      entity: 'domain',
      message: expect.stringMatching(new RegExp(`${pool.domain}.*${late}.*not done`)),
    });
    expect(await domainsOf()).toEqual([late]);

    const exact = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'exact' });
    expect(exact.result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(exact.prepared.plan.notes.map((n) => n.kind)).toContain('domainReplacement');
    expect(await domainsOf()).toEqual([pool.domain]);
  });

  it('turns threat protection back on before putting back the risk configuration', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    const UserPoolId = pool.poolId;
    // An UpdateUserPool that forgets UserPoolAddOns switches threat protection off (and MFA: it resets).
    await env.cognito.send(
      new UpdateUserPoolCommand({
        UserPoolId,
        AutoVerifiedAttributes: ['email'],
        MfaConfiguration: 'OPTIONAL',
      }),
    );
    const before = await livePool(env, UserPoolId);
    expect(before.has('riskConfiguration')).toBe(false);

    const { prepared, result } = await runRestore(env, { sourcePoolId: UserPoolId, at, mode: 'undo' });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(prepared.plan.tasks.map((t) => t.entity)).toEqual(['pool', 'riskConfiguration']);
    expect(writableDifferences(prepared.target, await livePool(env, UserPoolId))).toEqual([]);
  });

  it('restores into another pool: clients matched by name are updated in place, with their UI', async () => {
    const source = await seedFullPool(env);
    const at = await backupNow(env, source.poolId);
    env.advance(60_000);
    // The other pool has the same schema, its own domain, and a "web" client of its own, set up differently.
    const { fake } = env.running;
    const { UserPool } = fake.call('CreateUserPool', {
      PoolName: 'other',
      Schema: [
        { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
        { Name: 'level', AttributeDataType: 'Number', Mutable: true },
      ],
    }) as { UserPool: { Id: string } };
    const other = UserPool.Id;
    fake.call('CreateUserPoolDomain', { UserPoolId: other, Domain: `other-${Date.now().toString(36)}` });
    const web = fake.call('CreateUserPoolClient', {
      UserPoolId: other,
      ClientName: 'web',
      RefreshTokenValidity: 1,
    }) as {
      UserPoolClient: { ClientId: string };
    };
    const otherWeb = web.UserPoolClient.ClientId;

    const only = [
      'pool',
      'mfa',
      'groups',
      'users',
      'memberships',
      'identity-providers',
      'resource-servers',
      'clients',
      'ui',
      'risk',
      'tags',
    ] as const;
    const { prepared, result } = await runRestore(env, {
      sourcePoolId: source.poolId,
      targetPoolId: other,
      at,
      mode: 'exact',
      only: [...only],
    });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    const update = prepared.plan.tasks.find((t) => t.entity === `client:${source.webClientId}`);
    expect(update?.liveEntity).toBe(`client:${otherWeb}`);
    expect(update?.actions.map((a) => a.kind)).toEqual(['updateClient']);
    // Only "backend" is new; "web" keeps the other pool's id.
    expect(result.clients.map((c) => c.clientName)).toEqual(['backend']);
    const clientIds = new Map([[source.webClientId, otherWeb], ...clientLedger(result)]);
    const live = await livePool(env, other);
    expect(live.get(`ui:${otherWeb}`)?.CSS).toBe('.label-customizable { color: navy; }');
    const ignore = (key: EntityKey) => key === 'domain' || key === 'pool';
    expect(writableDifferences(prepared.target, live, { clientIds, ignore })).toEqual([]);
  });

  it('refuses, before any write, a target pool whose schema cannot take the users of T', async () => {
    const source = await seedFullPool(env);
    const at = await backupNow(env, source.poolId);
    env.advance(60_000);
    // Another pool, as strict as Cognito lets a pool be: a name required, a short tenant, a low level.
    const { fake } = env.running;
    const { UserPool } = fake.call('CreateUserPool', {
      PoolName: 'strict',
      Schema: [
        { Name: 'name', AttributeDataType: 'String', Mutable: true, Required: true },
        {
          Name: 'tenant',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MinLength: '0', MaxLength: '3' },
        },
        {
          Name: 'level',
          AttributeDataType: 'Number',
          Mutable: true,
          NumberAttributeConstraints: { MinValue: '0', MaxValue: '2' },
        },
      ],
    }) as { UserPool: { Id: string } };
    const strict = UserPool.Id;
    const before = await livePool(env, strict);
    const only = RESTORE_SCOPES.filter((scope) => scope !== 'domain');
    const refused = runRestore(env, {
      sourcePoolId: source.poolId,
      targetPoolId: strict,
      at,
      mode: 'exact',
      only,
    });
    await expect(refused).rejects.toBeInstanceOf(SchemaMismatchError);
    const error = (await refused.catch((e: unknown) => e)) as SchemaMismatchError;
    expect(error.differences).toEqual([
      `custom:level is above 2, the most ${strict} allows, for 1 user(s): alice`,
      `custom:tenant is longer than the 3 characters ${strict} allows, for 3 user(s): alice, bob, dave`,
      `name is required in ${strict} but absent at T, for 3 user(s): alice, bob, dave`,
    ]);
    // Nothing was written: no group, no client, no user, the settings as they were.
    expect(await livePool(env, strict)).toEqual(before);
  });

  it('restores into a pool made from state(T) (--create-pool): everything but the domain, and the new name stays', async () => {
    const source = await seedFullPool(env);
    const at = await backupNow(env, source.poolId);
    env.advance(60_000);
    const { stateAt, collectState } = await import('../replay/stateAt.js');
    const atT = await collectState(await stateAt(env.store, source.poolId, at));
    const { poolId } = await env.writer.createUserPool(
      createPoolInput(atT.pool as JsonObject, 'rewind-copy'),
    );
    // The domain prefix is the source pool's, and taken: a new pool needs a domain of its own first.
    await env.cognito.send(
      new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `copy-${Date.now().toString(36)}` }),
    );
    const only = RESTORE_SCOPES.filter((scope) => scope !== 'domain');
    const { prepared, result } = await runRestore(env, {
      sourcePoolId: source.poolId,
      targetPoolId: poolId,
      at,
      mode: 'exact',
      only,
    });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    // Settings came with the pool: only MFA (created OFF), the name-less rest, and the entities.
    expect(prepared.plan.tasks.find((t) => t.entity === 'pool')).toBeUndefined();
    const live = await livePool(env, poolId);
    expect(live.get('pool')?.Name).toBe('rewind-copy');
    expect(result.clients.map((c) => c.clientName).sort()).toEqual(['backend', 'web']);
    expect(result.subs.map((s) => s.username).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    const ignore = (key: EntityKey) => key === 'domain' || key === 'pool';
    expect(writableDifferences(prepared.target, live, { clientIds: clientLedger(result), ignore })).toEqual(
      [],
    );
    expect(writableView('pool', live.get('pool'))).toEqual({
      ...writableView('pool', prepared.target.get('pool')),
      PoolName: 'rewind-copy',
    });
  });

  it('plans a --create-pool restore against the empty pool CreateUserPool will make: the same actions as the created one needs', async () => {
    const source = await seedFullPool(env);
    const at = await backupNow(env, source.poolId);
    env.advance(60_000);
    const { stateAt, collectState } = await import('../replay/stateAt.js');
    const atT = await collectState(await stateAt(env.store, source.poolId, at));
    const request = { sourcePoolId: source.poolId, at, mode: 'exact' as const };
    const ids = (plan: RestorePlan) => plan.tasks.flatMap((t) => t.actions.map((a) => a.id));

    const reader = new NewPoolReader(atT.pool as JsonObject, 'rewind-new');
    const planned = await prepareRestore(
      { ...env.store, reader },
      { ...request, targetPoolId: newPoolId('rewind-new') },
    );
    expect(planned.plan.targetPoolId).toBe('(new pool rewind-new)');
    expect(ids(planned.plan)).toEqual(
      expect.arrayContaining(['createUser user:alice', 'createGroup group:admins']),
    );

    const { poolId } = await env.writer.createUserPool(createPoolInput(atT.pool as JsonObject, 'rewind-new'));
    const actual = await prepareRestore(
      { ...env.store, reader: env.reader },
      { ...request, targetPoolId: poolId },
    );
    expect(unconfirmedActions(planned.plan, actual.plan)).toEqual([]);
    expect(ids(actual.plan)).toEqual(ids(planned.plan));
  });

  it('a restore of an untouched pool plans nothing', async () => {
    const pool = await seedFullPool(env);
    const at = await backupNow(env, pool.poolId);
    env.advance(60_000);
    for (const mode of ['undo', 'exact'] as const) {
      const { prepared, result } = await runRestore(env, { sourcePoolId: pool.poolId, at, mode });
      expect(prepared.plan.tasks).toEqual([]);
      expect(prepared.plan.kept).toEqual([]);
      expect(result.outcomes).toEqual([]);
      expect(result.ok).toBe(true);
    }
  });
});
