import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUED_EVENT_NAMES, type Touch } from './eventCatalogue.js';
import { type CognitoEvent, parseCognitoEvent } from './eventSchema.js';
import { type ResolvedTouch, type TouchedEntities, touchedEntities } from './touchedEntities.js';

type Json = Record<string, unknown>;
const fixtures = new URL('./fixtures/', import.meta.url);
const ignoredFixtures = new URL('./fixtures/ignored/', import.meta.url);
const namesIn = (folder: URL): string[] =>
  readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
const load = (folder: URL, name: string): Json =>
  JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')) as Json;

const POOL = 'eu-west-1_Ab12Cd34E';
const CLIENT = '5exampleclient6id7abcdefgh';
const SUB = '8d6a8f5e-3c2b-4e71-9f0a-5b4c3d2e1f00';
const MASKED = 'HIDDEN_DUE_TO_SECURITY_REASONS';

const parse = (event: Json): CognitoEvent => {
  const parsed = parseCognitoEvent(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
};
const touched = (event: Json): TouchedEntities => touchedEntities(parse(event));
/** An editable fixture and its CloudTrail record. */
const edit = (name: string): { event: Json; detail: Json } => {
  const event = load(fixtures, name);
  return { event, detail: event.detail as Json };
};

// ── The expected touches of every catalogued event, one row each ─────────────────────────────────

interface Row {
  /** How the event names its pool: by id, or only by its app client (public calls). */
  via: 'pool' | 'client';
  touches: ResolvedTouch[];
  /** Kinds of the touches the event cannot resolve (no id in clear). */
  unresolved: Touch['kind'][];
}
const inPool = (...touches: ResolvedTouch[]): Row => ({ via: 'pool', touches, unresolved: [] });
const byClient = (...touches: ResolvedTouch[]): Row => ({ via: 'client', touches, unresolved: [] });
/** A hosted-UI request whose user the event does not identify. */
const userNotIdentified: Row = { via: 'pool', touches: [], unresolved: ['user'] };

const entity = (key: string): ResolvedTouch => ({ kind: 'entity', key });
const user: ResolvedTouch = { kind: 'userBySub', sub: SUB };
const pool = entity('pool');
const mfa = entity('mfa');
const tags = entity('tags');
const domain = entity('domain');
const risk = entity('riskConfiguration');
const everyUi: ResolvedTouch = { kind: 'everyUi' };
const editors = entity('group:editors');
const client = entity(`client:${CLIENT}`);
const google = entity('idp:Google');
const api = entity('resourceServer:https://api.example.com');
const afterImport: ResolvedTouch = { kind: 'wholePool', end: false, afterImportJob: 'import-Ab12Cd34Ef' };

const EXPECTED: Record<string, Row> = {
  AdminCreateUser: inPool(user),
  AdminDeleteUser: inPool(user),
  AdminUpdateUserAttributes: inPool(user),
  AdminDeleteUserAttributes: inPool(user),
  AdminDisableUser: inPool(user),
  AdminEnableUser: inPool(user),
  // Membership is part of the user: the group entity is not touched.
  AdminAddUserToGroup: inPool(user),
  AdminRemoveUserFromGroup: inPool(user),
  AdminSetUserMFAPreference: inPool(user),
  AdminSetUserSettings: inPool(user),
  AdminSetUserPassword: inPool(user),
  AdminResetUserPassword: inPool(user),
  AdminConfirmSignUp: inPool(user),
  AdminLinkProviderForUser: inPool(user),
  AdminDisableProviderForUser: inPool(user),
  AdminRespondToAuthChallenge: inPool(user),
  AdminDeleteSoftwareToken: inPool(user),

  SignUp: byClient(user),
  ConfirmSignUp: byClient(user),
  ForgotPassword: byClient(user),
  ConfirmForgotPassword: byClient(user),
  RespondToAuthChallenge: byClient(user),
  UpdateUserAttributes: inPool(user),
  DeleteUserAttributes: inPool(user),
  VerifyUserAttribute: inPool(user),
  DeleteUser: inPool(user),
  SetUserMFAPreference: inPool(user),
  SetUserSettings: inPool(user),
  ChangePassword: inPool(user),
  VerifySoftwareToken: inPool(user),
  AssociateSoftwareToken: inPool(user),

  CreateGroup: inPool(editors),
  UpdateGroup: inPool(editors),
  DeleteGroup: inPool(editors, { kind: 'groupMembers', group: 'editors' }),

  CreateUserPool: inPool(pool, mfa, tags),
  UpdateUserPool: inPool(pool, mfa, tags, risk),
  DeleteUserPool: inPool({ kind: 'wholePool', end: true }),
  SetUserPoolMfaConfig: inPool(mfa, pool),
  AddCustomAttributes: inPool(pool),
  SetUICustomization: inPool(entity(`ui:${CLIENT}`)),
  SetRiskConfiguration: inPool(risk),
  CreateUserPoolDomain: inPool(domain, pool, everyUi),
  UpdateUserPoolDomain: inPool(domain, pool),
  DeleteUserPoolDomain: inPool(domain, pool, everyUi),
  TagResource: inPool(tags),
  UntagResource: inPool(tags),

  // The new client's id comes from the response.
  CreateUserPoolClient: inPool(entity('client:7newclientid8example9abcde')),
  UpdateUserPoolClient: inPool(client),
  DeleteUserPoolClient: inPool(client, entity(`ui:${CLIENT}`)),
  AddUserPoolClientSecret: inPool(client),
  DeleteUserPoolClientSecret: inPool(client),

  CreateIdentityProvider: inPool(google),
  UpdateIdentityProvider: inPool(google),
  DeleteIdentityProvider: inPool(google),
  CreateResourceServer: inPool(api),
  UpdateResourceServer: inPool(api),
  DeleteResourceServer: inPool(api),

  StartUserImportJob: inPool(afterImport),
  StopUserImportJob: inPool(afterImport),

  // Only Confirm_POST is published with a sub; the others (like the published Signup_POST and
  // SAML2Response_POST) log the username masked and no sub.
  Confirm_POST: inPool(user),
  Signup_POST: userNotIdentified,
  Confirm_With_Link_GET: userNotIdentified,
  ForgotPassword_POST: userNotIdentified,
  ConfirmForgotPassword_POST: userNotIdentified,
  ResetPassword_POST: userNotIdentified,
  MfaRegister_POST: userNotIdentified,
  OAuth2Response_GET: userNotIdentified,
  OAuth2Response_POST: userNotIdentified,
  SAML2Response_POST: userNotIdentified,
  Beta_SAML2Response_POST: userNotIdentified,
  signup_POST: userNotIdentified,
  signup_confirm_POST: userNotIdentified,
  confirmUser_GET: userNotIdentified,
  forgotPassword_POST: userNotIdentified,
  mfa_phone_register_POST: userNotIdentified,
};

const expectedResult = (row: Row): TouchedEntities => {
  const unresolved = row.unresolved.map((kind) => ({
    touch: expect.objectContaining({ kind }),
    reason: expect.stringMatching(/\S/),
  }));
  return row.via === 'pool'
    ? { poolId: POOL, touches: row.touches, unresolved }
    : { poolOfClient: CLIENT, touches: row.touches, unresolved };
};

/** The ignored fixtures and why each is ignored. */
const IGNORED: [string, string][] = [
  ['failed-AdminCreateUser', 'AdminCreateUser failed (UsernameExistsException), so it changed nothing'],
  [
    'failed-UpdateUserAttributes',
    'UpdateUserAttributes failed (AliasExistsException), so it changed nothing',
  ],
  ['failed-InitiateAuth', 'InitiateAuth failed (NotAuthorizedException), so it changed nothing'],
  ['readonly-AdminGetUser', 'AdminGetUser is read-only'],
  ['readonly-ListUsers', 'ListUsers is read-only'],
  ['readonly-Login_GET', 'Login_GET is read-only'],
  [
    'uncaptured-AdminUserGlobalSignOut',
    'AdminUserGlobalSignOut changes nothing the pool state holds: revokes tokens, which the model does not hold',
  ],
  [
    'uncaptured-Token_POST',
    'Token_POST changes nothing the pool state holds: issues tokens, which the model does not hold',
  ],
  ['unknown-FrobnicateUserPool', 'FrobnicateUserPool is not in the event catalogue'],
];

describe('touchedEntities', () => {
  it('has a fixture and an expectation for every catalogued event, and none for anything else', () => {
    expect(namesIn(fixtures)).toEqual(CATALOGUED_EVENT_NAMES);
    expect(Object.keys(EXPECTED).sort()).toEqual(CATALOGUED_EVENT_NAMES);
  });

  it.each(CATALOGUED_EVENT_NAMES)('%s', (name) => {
    const event = load(fixtures, name);
    expect((event.detail as Json).eventName).toBe(name);
    const row = EXPECTED[name];
    if (row === undefined) throw new Error(`no expectation for ${name}`);
    expect(touched(event)).toEqual(expectedResult(row));
  });

  it.each(IGNORED)('ignores %s', (name, ignored) => {
    expect(touched(load(ignoredFixtures, name))).toEqual({ ignored });
  });

  it('has an expectation for every ignored fixture', () => {
    expect(namesIn(ignoredFixtures)).toEqual(IGNORED.map(([name]) => name).sort());
  });

  it('ignores a failed catalogued call even with a sub, but not an empty errorCode', () => {
    const { event, detail } = edit('AdminDisableUser');
    detail.errorCode = '';
    expect(touched(event)).toMatchObject({ poolId: POOL, touches: [user] });
    detail.errorCode = 'UserNotFoundException';
    expect(touched(event)).toEqual({
      ignored: 'AdminDisableUser failed (UserNotFoundException), so it changed nothing',
    });
  });

  it('reads only the catalogue’s own names, not what every object inherits', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const { event, detail } = edit('AdminDisableUser');
      detail.eventName = name;
      expect(touched(event)).toEqual({ ignored: `${name} is not in the event catalogue` });
    }
  });

  it('ignores a catalogued name flagged read-only', () => {
    const { event, detail } = edit('AdminDisableUser');
    detail.readOnly = true;
    expect(touched(event)).toEqual({ ignored: 'AdminDisableUser is read-only' });
  });
});

describe('users are found by sub, never by username', () => {
  it('leaves a user event without a sub unresolved, whatever the username says', () => {
    for (const username of [MASKED, 'person@example.com', '0b6c9a4e-1d2f-4a3b-8c7d-6e5f4a3b2c1d']) {
      const { event, detail } = edit('AdminUpdateUserAttributes');
      delete detail.additionalEventData;
      (detail.requestParameters as Json).username = username;
      const result = touched(event);
      expect(result).toEqual({
        poolId: POOL,
        touches: [],
        unresolved: [
          {
            touch: { kind: 'user', by: 'sub' },
            reason:
              'no user sub: additionalEventData.sub is absent; additionalEventData.requestParameters.sub is absent; responseElements.userSub is absent',
          },
        ],
      });
      expect(JSON.stringify(result)).not.toContain(username);
    }
  });

  it('refuses a masked sub, or one that is not a UUID', () => {
    const { event, detail } = edit('AdminDisableUser');
    detail.additionalEventData = { sub: MASKED };
    expect(touched(event)).toMatchObject({
      touches: [],
      unresolved: [{ reason: expect.stringContaining('additionalEventData.sub is masked') }],
    });
    detail.additionalEventData = { sub: 'alice' };
    expect(touched(event)).toMatchObject({
      unresolved: [{ reason: expect.stringContaining('additionalEventData.sub is not a valid id: "alice"') }],
    });
  });

  it('reads the sub of a hosted-UI form post from its one-element array', () => {
    const { event, detail } = edit('Signup_POST');
    const data = detail.additionalEventData as Json;
    (data.requestParameters as Json).sub = [SUB];
    expect(touched(event)).toEqual({ poolId: POOL, touches: [user], unresolved: [] });
  });
});

describe('ids and pools', () => {
  it('takes SetUICustomization without a client id, or with ALL, as the pool default', () => {
    const { event, detail } = edit('SetUICustomization');
    const request = detail.requestParameters as Json;
    delete request.clientId;
    expect(touched(event)).toMatchObject({ touches: [entity('ui:ALL')], unresolved: [] });
    request.clientId = 'ALL';
    expect(touched(event)).toMatchObject({ touches: [entity('ui:ALL')], unresolved: [] });
    request.clientId = MASKED;
    expect(touched(event)).toMatchObject({
      touches: [],
      unresolved: [{ reason: 'requestParameters.clientId is masked' }],
    });
  });

  it('does not take a deleted client without its id as the pool default', () => {
    const { event, detail } = edit('DeleteUserPoolClient');
    delete (detail.requestParameters as Json).clientId;
    const result = touched(event);
    expect(result).toMatchObject({ touches: [], unresolved: [{}, {}] });
    expect(JSON.stringify(result)).not.toContain('ui:ALL');
  });

  it('keeps the touches it can resolve when others fail', () => {
    const { event, detail } = edit('DeleteGroup');
    (detail.requestParameters as Json).groupName = 7;
    expect(touched(event)).toEqual({
      poolId: POOL,
      touches: [],
      unresolved: [
        { touch: { kind: 'group', from: 'requestParameters.groupName' }, reason: expect.any(String) },
        { touch: { kind: 'groupMembers', from: 'requestParameters.groupName' }, reason: expect.any(String) },
      ],
    });
  });

  it('leaves an import job without a job id unresolved rather than reconciling too early', () => {
    const { event, detail } = edit('StartUserImportJob');
    delete (detail.requestParameters as Json).jobId;
    expect(touched(event)).toMatchObject({
      touches: [],
      unresolved: [{ reason: 'requestParameters.jobId is absent' }],
    });
  });

  it('finds the pool of a tag call in its ARN, and nowhere else', () => {
    const { event, detail } = edit('TagResource');
    const request = detail.requestParameters as Json;
    request.resourceArn = `arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Zz9`;
    expect(touched(event)).toMatchObject({ poolId: 'cn-north-1_Zz9' });
    request.resourceArn = 'arn:aws:s3:::bucket';
    expect(touched(event)).toEqual({
      ignored: expect.stringMatching(/^TagResource names no user pool and no app client \(.*resourceArn/),
    });
  });

  it('needs the response to know which pool CreateUserPool made', () => {
    const { event, detail } = edit('CreateUserPool');
    detail.responseElements = null;
    expect(touched(event)).toEqual({
      ignored:
        'CreateUserPool names no user pool and no app client (requestParameters.userPoolId is absent; additionalEventData.userPoolId is absent; responseElements.userPool.id is absent; requestParameters.resourceArn is absent; requestParameters.clientId is absent; additionalEventData.requestParameters.client_id is absent)',
    });
  });

  it('refuses a malformed pool id', () => {
    const { event, detail } = edit('DeleteUserPool');
    (detail.requestParameters as Json).userPoolId = '../../etc';
    expect(touched(event)).toMatchObject({ ignored: expect.stringContaining('not a valid id') });
  });

  it('prefers the pool id to the app client when a public call carries both', () => {
    const { event, detail } = edit('SignUp');
    detail.additionalEventData = { userPoolId: POOL };
    expect(touched(event)).toEqual({ poolId: POOL, touches: [user], unresolved: [] });
  });
});
