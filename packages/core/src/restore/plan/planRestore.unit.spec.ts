import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../errors.js';
import type { EntityKey } from '../../model/entityKey.js';
import type { JsonObject } from '../../model/json.js';
import { type PlanInput, planRestore } from './planRestore.js';
import { PHASES, type RestorePlan } from './restorePlan.js';
import { SchemaMismatchError } from './schemaCheck.js';

/* Hand-made states in the canonical form a backup stores. */

const SCHEMA: JsonObject[] = [
  { Name: 'sub', AttributeDataType: 'String', Mutable: false, Required: true },
  { Name: 'email', AttributeDataType: 'String', Mutable: true },
  { Name: 'custom:tenant', AttributeDataType: 'String', Mutable: true },
  { Name: 'custom:level', AttributeDataType: 'Number', Mutable: true },
];

const pool = (over: JsonObject = {}): JsonObject => ({
  Id: 'us-east-1_live',
  Arn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_live',
  Name: 'pool',
  MfaConfiguration: 'OFF',
  Policies: { PasswordPolicy: { MinimumLength: 8 } },
  SchemaAttributes: SCHEMA,
  ...over,
});

const user = (
  username: string,
  groups: string[] = [],
  attributes: Record<string, string> = {},
  over: JsonObject = {},
): JsonObject => ({
  username,
  attributes: { sub: `sub-${username}`, email: `${username}@example.com`, ...attributes },
  enabled: true,
  status: 'CONFIRMED',
  groups,
  createdAt: '2024-01-01T00:00:00.000Z',
  modifiedAt: '2024-01-01T00:00:00.000Z',
  ...over,
});

const group = (name: string, over: JsonObject = {}): JsonObject => ({
  GroupName: name,
  Description: `${name} group`,
  Precedence: 1,
  CreationDate: '2024-01-01T00:00:00.000Z',
  LastModifiedDate: '2024-01-01T00:00:00.000Z',
  ...over,
});

const idp = (name: string, over: JsonObject = {}): JsonObject => ({
  ProviderName: name,
  ProviderType: 'OIDC',
  ProviderDetails: { client_id: name, oidc_issuer: `https://${name}.example.com` },
  AttributeMapping: { email: 'email' },
  IdpIdentifiers: [],
  ...over,
});

const client = (id: string, name: string, over: JsonObject = {}): JsonObject => ({
  ClientId: id,
  ClientName: name,
  HasClientSecret: false,
  RefreshTokenValidity: 30,
  SupportedIdentityProviders: ['COGNITO'],
  CreationDate: '2024-01-01T00:00:00.000Z',
  LastModifiedDate: '2024-01-01T00:00:00.000Z',
  ...over,
});

const state = (entries: Record<EntityKey, JsonObject>) => new Map(Object.entries(entries));

/** A pool at T with a bit of everything. */
const AT_T = state({
  pool: pool(),
  tags: { team: 'identity' },
  'group:admins': group('admins', { Precedence: 0 }),
  'group:staff': group('staff', { Precedence: 5 }),
  'idp:Okta': idp('Okta'),
  'resourceServer:https://api': {
    Identifier: 'https://api',
    Name: 'api',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }],
  },
  'user:alice': user('alice', ['admins', 'staff'], { 'custom:tenant': 'acme' }),
  'user:bob': user('bob', ['staff'], { 'custom:level': '2' }),
  'user:carol': user('carol', [], {}, { enabled: false }),
  'client:c1': client('c1', 'web', { SupportedIdentityProviders: ['COGNITO', 'Okta'] }),
  domain: { 'rewind-x': { Domain: 'rewind-x', Status: 'ACTIVE', ManagedLoginVersion: 1 } },
  'ui:ALL': { ClientId: 'ALL', CSS: '.a{}' },
  'ui:c1': { ClientId: 'c1', CSS: '.b{}' },
});

const plan = (live: Map<EntityKey, JsonObject>, over: Partial<PlanInput> = {}): RestorePlan =>
  planRestore({
    sourcePoolId: 'us-east-1_live',
    targetPoolId: 'us-east-1_live',
    at: '2024-06-01T00:00:00.000Z',
    target: AT_T,
    live,
    mode: 'undo',
    ...over,
  });

const without = (from: Map<EntityKey, JsonObject>, ...keys: EntityKey[]) => {
  const copy = new Map(from);
  for (const key of keys) copy.delete(key);
  return copy;
};

const withDocs = (from: Map<EntityKey, JsonObject>, docs: Record<EntityKey, JsonObject>) => {
  const copy = new Map(from);
  for (const [key, doc] of Object.entries(docs)) copy.set(key, doc);
  return copy;
};

const actionsOf = (p: RestorePlan) => p.tasks.flatMap((t) => t.actions.map((a) => a.id));
const phaseIndex = (phase: string) => PHASES.indexOf(phase as (typeof PHASES)[number]);

/** Everything broken: deleted, changed, and made after T. */
const BROKEN = withDocs(
  without(AT_T, 'group:admins', 'idp:Okta', 'user:alice', 'client:c1', 'ui:c1', 'domain', 'ui:ALL'),
  {
    'group:late': group('late'),
    'idp:Late': idp('Late'),
    'user:bob': user('bob', ['late'], { 'custom:level': '9' }),
    'user:zed': user('zed', ['staff']),
    'client:c9': client('c9', 'late'),
    tags: { team: 'identity', owner: 'x' },
  },
);

describe('planRestore: order and modes', () => {
  it('plans nothing between a state and itself, in either mode', () => {
    for (const mode of ['undo', 'exact'] as const) {
      const same = plan(AT_T, { mode });
      expect(same.tasks).toEqual([]);
      expect(same.kept).toEqual([]);
    }
  });

  it('orders tasks by phase: deletions first, groups before users, identity providers before clients', () => {
    const p = plan(BROKEN, { mode: 'exact' });
    const phases = p.tasks.map((t) => phaseIndex(t.phase));
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(p.tasks[0]?.phase).toBe('deletions');
    const first = (entity: EntityKey) => p.tasks.findIndex((t) => t.entity === entity);
    expect(first('group:admins')).toBeLessThan(first('user:alice'));
    expect(first('idp:Okta')).toBeLessThan(first('client:c1'));
    expect(first('client:c1')).toBeLessThan(first('ui:c1'));
    expect(first('domain')).toBeLessThan(first('ui:ALL'));
    // Each entity's own actions in the order they must run: create, then disable/MFA, then memberships.
    expect(p.tasks.find((t) => t.entity === 'user:alice')?.actions.map((a) => a.id)).toEqual([
      'createUser user:alice',
      'addToGroup user:alice admins',
      'addToGroup user:alice staff',
    ]);
    expect(p.tasks.find((t) => t.entity === 'client:c1')?.actions[0]?.input).toMatchObject({
      ClientName: 'web',
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO', 'Okta'],
    });
  });

  it('exact deletes what was made after T; undo keeps it and lists it in kept', () => {
    const exact = plan(BROKEN, { mode: 'exact' });
    const deletions = exact.tasks.filter((t) => t.phase === 'deletions').map((t) => t.actions[0]?.id);
    expect(deletions.sort()).toEqual([
      'deleteClient client:c9',
      'deleteGroup group:late',
      'deleteIdentityProvider idp:Late',
      'deleteUser user:zed',
    ]);
    expect(exact.kept).toEqual([]);
    // bob leaves the deleted group with it: no removeFromGroup of his own is needed, and his task
    // expects the membership already gone (it is, by the time the users phase runs).
    const bob = exact.tasks.find((t) => t.entity === 'user:bob');
    expect(bob?.actions.map((a) => a.id)).toEqual([
      'updateUserAttributes user:bob',
      'addToGroup user:bob staff',
    ]);
    expect(bob?.expected?.groups).toEqual([]);

    const undo = plan(BROKEN, { mode: 'undo' });
    expect(undo.tasks.filter((t) => t.phase === 'deletions')).toEqual([]);
    expect(undo.kept).toEqual(['client:c9', 'group:late', 'idp:Late', 'user:zed']);
    // Undo keeps bob's membership of the group made after T.
    expect(undo.tasks.find((t) => t.entity === 'user:bob')?.actions.map((a) => a.id)).toEqual([
      'updateUserAttributes user:bob',
      'addToGroup user:bob staff',
    ]);
    expect(undo.tasks.find((t) => t.entity === 'user:bob')?.desired?.groups).toEqual(['late', 'staff']);
    // Both put back what was deleted or changed, with the same actions.
    const put = (p: RestorePlan) => actionsOf(p).filter((id) => !/^(delete|untag)/.test(id));
    expect(put(undo)).toEqual(put(exact));
    // The tag added after T is removed by exact only.
    expect(actionsOf(exact)).toContain('untagPool tags');
    expect(actionsOf(undo)).not.toContain('untagPool tags');
  });

  it('lists what Cognito cannot take back', () => {
    const p = plan(without(AT_T, 'user:alice', 'client:c1', 'ui:c1'), { mode: 'undo' });
    const notes = p.notes.map((n) => `${n.kind} ${n.entity}`).sort();
    expect(notes).toEqual(['clientId client:c1', 'password user:alice', 'sub user:alice']);
  });
});

const CERT = 'arn:aws:acm:us-east-1:000000000000:certificate/';
const prefixDomain = (name: string): JsonObject => ({
  Domain: name,
  Status: 'ACTIVE',
  ManagedLoginVersion: 1,
});
const customDomain = (name: string, certificate = 'a'): JsonObject => ({
  Domain: name,
  Status: 'ACTIVE',
  ManagedLoginVersion: 1,
  CustomDomainConfig: { CertificateArn: `${CERT}${certificate}` },
  CloudFrontDistribution: `${certificate}.cloudfront.net`,
});
const domains = (...docs: JsonObject[]): JsonObject =>
  Object.fromEntries(docs.map((doc) => [String(doc.Domain), doc]));
const domainActions = (p: RestorePlan) =>
  p.tasks.filter((t) => t.entity === 'domain').flatMap((t) => t.actions.map((a) => a.id));
const notesOf = (p: RestorePlan, kind: string) => p.notes.filter((n) => n.kind === kind);

describe('planRestore: undo keeps what came after T', () => {
  it('keeps a custom domain added after T beside the domain of T; exact deletes it, naming its DNS record', () => {
    const live = withDocs(AT_T, {
      domain: domains(prefixDomain('rewind-x'), customDomain('auth.example.com')),
    });
    const undo = plan(live);
    expect(domainActions(undo)).toEqual([]);
    expect(undo.kept).toEqual(['domain']);
    expect(notesOf(undo, 'createdAfter').map((n) => n.message)).toEqual([
      expect.stringContaining('auth.example.com'),
    ]);

    const exact = plan(live, { mode: 'exact' });
    expect(domainActions(exact)).toEqual(['deleteDomain domain auth.example.com']);
    const [dns] = notesOf(exact, 'customDomainDns');
    expect(dns?.message).toMatch(/auth\.example\.com/);
    expect(dns?.message).toMatch(/DNS/);
  });

  it('never replaces a domain in undo: another prefix domain took the place of the one at T', () => {
    const live = withDocs(AT_T, { domain: domains(prefixDomain('rewind-y')) });
    const undo = plan(live);
    expect(domainActions(undo)).toEqual([]);
    const [undone] = notesOf(undo, 'domainReplacement');
    expect(undone?.message).toMatch(/rewind-x/);
    expect(undone?.message).toMatch(/rewind-y/);
    expect(undone?.message).toMatch(/not done/);

    const exact = plan(live, { mode: 'exact' });
    expect(domainActions(exact)).toEqual(['deleteDomain domain rewind-y', 'createDomain domain rewind-x']);
    expect(notesOf(exact, 'domainReplacement')).toHaveLength(1);
  });

  it('never replaces a custom domain whose certificate changed in undo; exact does, and names the DNS change', () => {
    const target = withDocs(AT_T, { domain: domains(customDomain('auth.example.com', 'old')) });
    const live = withDocs(AT_T, { domain: domains(customDomain('auth.example.com', 'new')) });
    const undo = plan(live, { target });
    expect(domainActions(undo)).toEqual([]);
    const [undone] = notesOf(undo, 'domainReplacement');
    expect(undone?.message).toMatch(/auth\.example\.com/);
    expect(undone?.message).toMatch(/not done/);
    expect(undone?.message).toMatch(/CloudFront/);
    expect(undone?.message).toMatch(/DNS/);

    const exact = plan(live, { target, mode: 'exact' });
    expect(domainActions(exact)).toEqual([
      'deleteDomain domain auth.example.com',
      'createDomain domain auth.example.com',
    ]);
    const [done] = notesOf(exact, 'domainReplacement');
    expect(done?.message).toMatch(/DNS/);
    expect(done?.message).not.toMatch(/not done/);
  });

  it('puts back a deleted custom domain in undo, beside a prefix domain made after T, naming the DNS change', () => {
    const target = withDocs(AT_T, { domain: domains(customDomain('auth.example.com')) });
    const live = withDocs(AT_T, { domain: domains(prefixDomain('rewind-late')) });
    const undo = plan(live, { target });
    expect(domainActions(undo)).toEqual(['createDomain domain auth.example.com']);
    // What apply is to read back: both, the late one kept.
    expect(Object.keys(undo.tasks.find((t) => t.entity === 'domain')?.desired ?? {}).sort()).toEqual([
      'auth.example.com',
      'rewind-late',
    ]);
    expect(notesOf(undo, 'customDomainDns').map((n) => n.message)).toEqual([
      expect.stringMatching(/auth\.example\.com.*CloudFront.*DNS/),
    ]);
    expect(notesOf(undo, 'createdAfter').map((n) => n.message)).toEqual([
      expect.stringContaining('rewind-late'),
    ]);
  });

  it('keeps tags added after T, and still puts back those changed or removed', () => {
    const live = withDocs(AT_T, { tags: { team: 'other', owner: 'x' } });
    const undo = plan(live);
    const task = undo.tasks.find((t) => t.entity === 'tags');
    expect(task?.actions.map((a) => [a.kind, a.input])).toEqual([
      ['tagPool', { Tags: { team: 'identity' } }],
    ]);
    expect(task?.desired).toEqual({ team: 'identity', owner: 'x' });
    expect(notesOf(undo, 'createdAfter').map((n) => n.message)).toEqual([expect.stringContaining('owner')]);
    // An UpdateUserPool in the same restore sends the tags the pool is to keep, the late one too.
    const changed = plan(
      withDocs(live, { pool: pool({ Policies: { PasswordPolicy: { MinimumLength: 12 } } }) }),
    );
    const update = changed.tasks
      .find((t) => t.entity === 'pool')
      ?.actions.find((a) => a.kind === 'updatePool');
    expect(update?.input.UserPoolTags).toEqual({ team: 'identity', owner: 'x' });
    expect(plan(live, { mode: 'exact' }).tasks.find((t) => t.entity === 'tags')?.desired).toEqual({
      team: 'identity',
    });
  });
});

describe('planRestore: scopes', () => {
  it('--only users: users without their memberships', () => {
    const p = plan(BROKEN, { only: ['users'] });
    expect(new Set(p.tasks.map((t) => t.entity))).toEqual(new Set(['user:alice', 'user:bob']));
    expect(actionsOf(p)).toEqual(['createUser user:alice', 'updateUserAttributes user:bob']);
  });

  it('--only memberships: only adds and removes, and only for users that exist', () => {
    const p = plan(BROKEN, { only: ['memberships'] });
    expect(
      p.tasks.every((t) => t.actions.every((a) => a.kind === 'addToGroup' || a.kind === 'removeFromGroup')),
    ).toBe(true);
    // admins is gone and not re-created in this scope: alice (missing) gets nothing, bob his staff;
    // undo keeps him in the group made after T even though groups are out of scope.
    expect(actionsOf(p)).toEqual(['addToGroup user:bob staff']);
    expect(p.tasks[0]?.desired?.groups).toEqual(['late', 'staff']);
    // Exact takes him out of it (the group itself stays: groups are out of scope).
    expect(actionsOf(plan(BROKEN, { only: ['memberships'], mode: 'exact' }))).toEqual([
      'removeFromGroup user:bob late',
      'addToGroup user:bob staff',
    ]);
  });

  it('--user in undo mode keeps the user in groups made after T', () => {
    expect(actionsOf(plan(BROKEN, { users: ['bob'] }))).toEqual([
      'updateUserAttributes user:bob',
      'addToGroup user:bob staff',
    ]);
  });

  it('--group re-creates the group and its memberships, and touches nothing else', () => {
    const p = plan(BROKEN, { groups: ['admins'] });
    expect(actionsOf(p)).toEqual(['createGroup group:admins']);
    // alice is missing and --group does not re-create users: her membership cannot be put back.
    const live = withDocs(BROKEN, { 'user:alice': user('alice', [], { 'custom:tenant': 'changed' }) });
    const withAlice = plan(live, { groups: ['admins'] });
    expect(actionsOf(withAlice)).toEqual(['createGroup group:admins', 'addToGroup user:alice admins']);
    // Not alice's attributes, not bob's, not the staff memberships, not the tags.
    expect(withAlice.tasks.map((t) => t.entity)).toEqual(['group:admins', 'user:alice']);
    expect(withAlice.kept).toEqual([]);
  });

  it('--group leaves memberships of other groups alone, in exact mode too', () => {
    const live = withDocs(AT_T, {
      'user:alice': user('alice', ['staff'], { 'custom:tenant': 'acme' }),
      'user:bob': user('bob', ['admins', 'staff'], { 'custom:level': '2' }),
      'user:carol': user('carol', ['admins', 'staff'], {}, { enabled: false }),
      'group:admins': group('admins', { Precedence: 7 }),
    });
    const p = plan(live, { groups: ['admins'], mode: 'exact' });
    expect(actionsOf(p).sort()).toEqual([
      'addToGroup user:alice admins',
      'removeFromGroup user:bob admins',
      'removeFromGroup user:carol admins',
      'updateGroup group:admins',
    ]);
  });

  it('--user restores only that user, with its memberships', () => {
    const p = plan(BROKEN, { users: ['alice'], mode: 'exact' });
    expect(p.tasks.map((t) => t.entity)).toEqual(['user:alice']);
    // admins is gone and --user does not re-create groups: only staff can be joined.
    expect(actionsOf(p)).toEqual(['createUser user:alice', 'addToGroup user:alice staff']);
    expect(p.notes).toContainEqual(
      expect.objectContaining({
        kind: 'notCaptured',
        entity: 'user:alice',
        message: expect.stringContaining('admins'),
      }),
    );
  });

  it('an unknown --user or --group is refused before anything is planned', () => {
    expect(() => plan(BROKEN, { users: ['ghost'] })).toThrow(InvalidInputError);
    expect(() => plan(BROKEN, { users: ['ghost'] })).toThrow(/--user ghost: no such user/);
    expect(() => plan(BROKEN, { groups: ['nope'] })).toThrow(/--group nope: no such group/);
    // zed exists live but not at T: not restorable by name either.
    expect(() => plan(BROKEN, { users: ['zed'] })).toThrow(InvalidInputError);
  });
});

describe('planRestore: a target pool that cannot take the state refuses the whole restore', () => {
  const refusal = (live: Map<EntityKey, JsonObject>): SchemaMismatchError => {
    try {
      plan(live);
    } catch (error) {
      if (error instanceof SchemaMismatchError) return error;
      throw error;
    }
    throw new Error('planned anyway');
  };

  it('names a custom attribute the live pool lacks', () => {
    const schema = SCHEMA.filter((a) => a.Name !== 'custom:tenant');
    const error = refusal(withDocs(AT_T, { pool: pool({ SchemaAttributes: schema }) }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.differences).toEqual(['custom attribute custom:tenant is missing']);
    expect(error.message).toContain('custom:tenant');
  });

  it('names a custom attribute typed differently', () => {
    const schema = SCHEMA.map((a) => (a.Name === 'custom:level' ? { ...a, AttributeDataType: 'String' } : a));
    expect(refusal(withDocs(AT_T, { pool: pool({ SchemaAttributes: schema }) })).differences).toEqual([
      'custom attribute custom:level is String, was Number',
    ]);
  });

  it('names every creation-time setting that differs, all at once', () => {
    const live = withDocs(AT_T, {
      pool: pool({
        SchemaAttributes: SCHEMA.filter((a) => a.Name !== 'custom:level'),
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
      }),
    });
    const { differences } = refusal(live);
    expect(differences).toHaveLength(3);
    expect(differences[0]).toBe('custom attribute custom:level is missing');
    expect(differences[1]).toMatch(/^UsernameAttributes is \["email"\], was null/);
    expect(differences[2]).toMatch(
      /^UsernameConfiguration is \{"CaseSensitive":false\}, was \{"CaseSensitive":true\}/,
    );
  });

  /** The live pool's schema with these attributes changed (or added). */
  const schemaWith = (...changes: JsonObject[]): JsonObject[] => [
    ...SCHEMA.map((a) => ({ ...a, ...changes.find((c) => c.Name === a.Name) })),
    ...changes.filter((c) => !SCHEMA.some((a) => a.Name === c.Name)),
  ];
  const USERS_AT_T = withDocs(AT_T, {
    'user:dan': user('dan', [], { 'custom:tenant': 'acme-long' }),
    'user:eve': user('eve', [], { 'custom:tenant': 'acme-longer' }),
    'user:fay': user('fay', [], { 'custom:tenant': 'acme-longest' }),
  });
  /** A live pool without users (all to be created) or with some, and this schema. */
  const refusedBy = (
    schema: JsonObject[],
    users: Record<EntityKey, JsonObject> = {},
    target = USERS_AT_T,
  ): SchemaMismatchError => {
    const noUsers = new Map([...target].filter(([key]) => !key.startsWith('user:')));
    const live = withDocs(noUsers, { pool: pool({ SchemaAttributes: schema }), ...users });
    try {
      plan(live, { target, mode: 'exact' });
    } catch (error) {
      if (error instanceof SchemaMismatchError) return error;
      throw error;
    }
    throw new Error('planned anyway');
  };

  it('names a value longer than the target allows, with a few users and then a count, never the value', () => {
    const error = refusedBy(
      schemaWith({ Name: 'custom:tenant', StringAttributeConstraints: { MinLength: '0', MaxLength: '4' } }),
    );
    expect(error.differences).toEqual([
      'custom:tenant is longer than the 4 characters us-east-1_live allows, for 3 user(s): dan, eve, fay',
    ]);
    expect(error.message).not.toContain('acme-long');
    const four = refusedBy(
      schemaWith({ Name: 'custom:tenant', StringAttributeConstraints: { MaxLength: '2' } }),
    );
    expect(four.differences).toEqual([
      'custom:tenant is longer than the 2 characters us-east-1_live allows, for 4 user(s): alice, dan, eve and 1 more',
    ]);
  });

  it('names an attribute the target requires that users lacked at T', () => {
    const error = refusedBy(schemaWith({ Name: 'name', AttributeDataType: 'String', Required: true }));
    expect(error.differences).toEqual([
      'name is required in us-east-1_live but absent at T, for 6 user(s): alice, bob, carol and 3 more',
    ]);
    // An attribute the plan would delete from a live user is refused as well.
    const live = { 'user:carol': user('carol', [], { name: 'Carol' }, { enabled: false }) };
    const deleting = refusedBy(
      schemaWith({ Name: 'name', AttributeDataType: 'String', Required: true }),
      live,
      AT_T,
    );
    expect(deleting.differences).toEqual([
      'name is required in us-east-1_live but absent at T, for 3 user(s): alice, bob, carol',
    ]);
  });

  it('names a number out of the range the target allows, and one that is no number', () => {
    const error = refusedBy(
      schemaWith({ Name: 'custom:level', NumberAttributeConstraints: { MinValue: '3', MaxValue: '9' } }),
      {},
      withDocs(AT_T, { 'user:dan': user('dan', [], { 'custom:level': 'high' }) }),
    );
    expect(error.differences).toEqual([
      'custom:level is below 3, the least us-east-1_live allows, for 1 user(s): bob',
      'custom:level is not a number, as us-east-1_live requires, for 1 user(s): dan',
    ]);
  });

  it('names an immutable attribute an update must write, and whether it was mutable at T', () => {
    const live = { 'user:alice': user('alice', ['admins', 'staff'], { 'custom:tenant': 'other' }) };
    const immutable = schemaWith({ Name: 'custom:tenant', Mutable: false });
    expect(refusedBy(immutable, live, AT_T).differences).toEqual([
      'custom:tenant is mutable at T but immutable in us-east-1_live, and the restore must update it, for 1 user(s): alice',
    ]);
    const target = withDocs(AT_T, { pool: pool({ SchemaAttributes: immutable }) });
    expect(refusedBy(immutable, live, target).differences).toEqual([
      'custom:tenant is immutable, and the restore would have to change it, for 1 user(s): alice',
    ]);
    // Created users may carry an immutable attribute: Cognito takes it at creation.
    expect(() =>
      plan(withDocs(without(AT_T, 'user:alice'), { pool: pool({ SchemaAttributes: immutable }) })),
    ).not.toThrow();
  });

  it('takes an absent case-sensitivity setting and an empty list as their defaults', () => {
    const target = withDocs(AT_T, {
      pool: pool({ UsernameConfiguration: { CaseSensitive: true }, AliasAttributes: [] }),
    });
    expect(() =>
      planRestore({ sourcePoolId: 'a', targetPoolId: 'a', at: 'T', target, live: AT_T, mode: 'undo' }),
    ).not.toThrow();
  });
});

describe('planRestore: what apply re-reads and checks before each task', () => {
  it('expects an absent domain as absent (null), as a re-read sees it', () => {
    const task = plan(without(AT_T, 'domain')).tasks.find((t) => t.entity === 'domain');
    expect(task?.expected).toBeNull();
    expect(task?.actions.map((a) => a.id)).toEqual(['createDomain domain rewind-x']);
  });

  it('does not check UI customization the live pool hid for want of a domain', () => {
    const hidden = plan(without(AT_T, 'domain', 'ui:ALL', 'ui:c1'));
    for (const key of ['ui:ALL', 'ui:c1'])
      expect(hidden.tasks.find((t) => t.entity === key)?.unchecked).toBeDefined();
    const shown = plan(without(AT_T, 'ui:ALL'));
    expect(shown.tasks.find((t) => t.entity === 'ui:ALL')?.unchecked).toBeUndefined();
  });

  it('does not check a risk configuration the live pool hid (threat protection off)', () => {
    const target = withDocs(AT_T, {
      riskConfiguration: { RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'] } },
    });
    const input = { sourcePoolId: 'p', targetPoolId: 'p', at: 'T', target, mode: 'undo' as const };
    const hidden = planRestore({ ...input, live: AT_T }).tasks.find((t) => t.entity === 'riskConfiguration');
    expect(hidden?.expected).toBeNull();
    expect(hidden?.unchecked).toBeDefined();
    const live = withDocs(AT_T, {
      riskConfiguration: { RiskExceptionConfiguration: { BlockedIPRangeList: [] } },
    });
    const shown = planRestore({ ...input, live }).tasks.find((t) => t.entity === 'riskConfiguration');
    expect(shown?.unchecked).toBeUndefined();
  });

  it('does not check tags that UpdateUserPool, earlier in the same restore, writes too', () => {
    const tagsOnly = plan(withDocs(AT_T, { tags: { team: 'x' } }));
    expect(tagsOnly.tasks.find((t) => t.entity === 'tags')?.unchecked).toBeUndefined();
    const both = plan(withDocs(AT_T, { tags: { team: 'x' }, pool: pool({ Policies: {} }) }));
    const update = both.tasks.find((t) => t.entity === 'pool')?.actions.find((a) => a.kind === 'updatePool');
    expect(update?.input.UserPoolTags).toEqual({
      team: 'identity',
    });
    expect(both.tasks.find((t) => t.entity === 'tags')?.unchecked).toBeDefined();
  });

  it("expects a user's memberships without the groups the deletions phase removes first", () => {
    const live = withDocs(AT_T, {
      'group:late': group('late'),
      'user:bob': user('bob', ['late', 'staff'], { 'custom:level': '9' }),
    });
    const exact = plan(live, { mode: 'exact' }).tasks.find((t) => t.entity === 'user:bob');
    expect(exact?.expected?.groups).toEqual(['staff']);
    const undo = plan(live, { mode: 'undo' }).tasks.find((t) => t.entity === 'user:bob');
    expect(undo?.expected?.groups).toEqual(['late', 'staff']);
  });

  it('keeps the target pool its own name when restoring into another pool', () => {
    const live = withDocs(AT_T, { pool: pool({ Name: 'copy', Id: 'us-east-1_copy' }) });
    const other = plan(live, { targetPoolId: 'us-east-1_copy' });
    expect(other.tasks.find((t) => t.entity === 'pool')).toBeUndefined();
    // In its own pool a renamed pool gets its name back.
    const same = plan(live);
    const update = same.tasks.find((t) => t.entity === 'pool')?.actions.find((a) => a.kind === 'updatePool');
    expect(update?.input.PoolName).toBe('pool');
  });
});

describe('planRestore: UI customization set after T', () => {
  const live = withDocs(without(AT_T, 'ui:c1'), {
    'client:c2': client('c2', 'late'),
    'ui:c2': { ClientId: 'c2', CSS: '.l{}' },
  });
  const target = without(AT_T, 'ui:ALL');
  const input = { sourcePoolId: 'p', targetPoolId: 'p', at: 'T', target };

  it('undo keeps it (listed in kept), with the client made after T', () => {
    const p = planRestore({
      ...input,
      live: withDocs(live, { 'ui:c1': { ClientId: 'c1', CSS: '.new{}' } }),
      mode: 'undo',
    });
    expect(p.kept).toEqual(['client:c2', 'ui:ALL']);
    // c1's own customization existed at T too: it is put back, not kept.
    expect(p.tasks.map((t) => t.entity)).toEqual(['ui:c1']);
  });

  it('exact cannot remove it: left as it is, and noted', () => {
    const p = planRestore({ ...input, live, mode: 'exact' });
    expect(p.notes.filter((n) => n.kind === 'createdAfter').map((n) => n.entity)).toEqual(['ui:ALL']);
    expect(p.tasks.map((t) => t.actions[0]?.id)).toEqual([
      'deleteClient client:c2',
      'setUiCustomization ui:c1',
    ]);
  });
});
