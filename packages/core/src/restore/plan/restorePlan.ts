import type { EntityKey } from '../../model/entityKey.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
import type { MfaFactorSetting } from '../../model/raw.js';

/** The parts of a pool a restore can be limited to (`--only`). */
export const RESTORE_SCOPES = [
  'pool',
  'mfa',
  'groups',
  'users',
  'memberships',
  'identity-providers',
  'resource-servers',
  'clients',
  'domain',
  'ui',
  'risk',
  'tags',
] as const;
export type RestoreScope = (typeof RESTORE_SCOPES)[number];

/** undo: put back what was deleted or changed since T, keep what was created after; exact: state(T). */
export type RestoreMode = 'undo' | 'exact';

/**
 * Phases in the order a restore runs them, so every action finds what it needs: groups before the
 * memberships of the users, identity providers and resource servers before the clients that name
 * them, clients before the UI customization keyed by their ids. Deletions (`--exact`) run first.
 */
export const PHASES = [
  'deletions',
  'pool',
  'identityProviders',
  'resourceServers',
  'groups',
  'users',
  'clients',
  'domain',
  'ui',
  'riskConfiguration',
  'tags',
] as const;
export type Phase = (typeof PHASES)[number];

/** A Cognito request shape as plain data (minus `UserPoolId`), with the members apply reads typed. */
export type Request<Named> = JsonObject & Named;

/**
 * What the writer is given for each kind of action (the `CognitoWriter` method's parameters, as plain
 * data). Client ids and usernames in it are those at T; apply maps them through the ledgers.
 */
export interface ActionInputs {
  /** UpdateUserPool: every updatable setting, MfaConfiguration kept live, UserPoolTags when known. */
  updatePool: Request<{ UserPoolTags?: JsonObject }>;
  setMfaConfig: JsonObject;
  createGroup: Request<{ GroupName: string }>;
  updateGroup: Request<{ GroupName: string }>;
  deleteGroup: { GroupName: string };
  /** `notify`: send Cognito's invitation (`--notify`) instead of suppressing it. */
  createUser: { Username: string; UserAttributes: Record<string, string>; notify: boolean };
  updateUserAttributes: { Username: string; UserAttributes: Record<string, string> };
  deleteUserAttributes: { Username: string; UserAttributeNames: string[] };
  enableUser: { Username: string };
  disableUser: { Username: string };
  setUserMfa: { Username: string; sms: MfaFactorSetting; email: MfaFactorSetting };
  deleteUser: { Username: string };
  /** The live user of a name that was someone else at T, deleted so the user of T can be re-created. */
  replaceUser: { Username: string; Sub: string };
  /** A user an earlier run created without hearing back: read, and its new sub put in the ledger. */
  adoptUser: { Username: string; Sub: string };
  addToGroup: { Username: string; GroupName: string };
  removeFromGroup: { Username: string; GroupName: string };
  linkProvider: {
    Username: string;
    ProviderName: string;
    ProviderAttributeName: string;
    ProviderAttributeValue: string;
  };
  createClient: Request<{ GenerateSecret: boolean }>;
  updateClient: Request<{ ClientId: string }>;
  /** A live client (deleted in `--exact`): its live id. */
  deleteClient: { ClientId: string };
  createIdentityProvider: Request<{ ProviderName: string }>;
  updateIdentityProvider: Request<{ ProviderName: string; ProviderDetails?: JsonObject }>;
  deleteIdentityProvider: { ProviderName: string };
  createResourceServer: Request<{ Identifier: string }>;
  updateResourceServer: Request<{ Identifier: string }>;
  deleteResourceServer: { Identifier: string };
  createDomain: Request<{ Domain: string }>;
  deleteDomain: { Domain: string };
  /** `ClientId` at T, or `ALL` for the pool default; only the CSS is written. */
  setUiCustomization: Request<{ ClientId: string; CSS: string }>;
  setRiskConfiguration: JsonObject;
  tagPool: { Tags: Record<string, string> };
  untagPool: { TagKeys: string[] };
}

export type RestoreActionKind = keyof ActionInputs;

export interface FieldChange {
  field: string;
  before?: JsonValue;
  after?: JsonValue;
}

/**
 * One Cognito call of a restore, as plain data: a union discriminated on `kind`, each kind with the
 * input its writer method takes (`RestoreActionOf<'createUser'>` is one of them).
 */
export type RestoreActionOf<K extends RestoreActionKind> = {
  [P in K]: {
    /** Unique within the plan and the same on every run of the same restore: the journal's key. */
    id: string;
    kind: P;
    /** The entity in state(T)'s terms (a client by its id at T, even when it gets a new one). */
    entity: EntityKey;
    changes: FieldChange[];
    reason: string;
    /** What the writer is given (see `ActionInputs`). */
    input: ActionInputs[P];
  };
}[K];

export type RestoreAction = RestoreActionOf<RestoreActionKind>;

/**
 * The actions of one entity, run in order. `expected` is the entity's writable view in the live pool
 * when the plan was made (null: absent there): apply re-reads the entity first and skips the task,
 * reporting it, when it has changed since.
 */
export interface EntityTask {
  entity: EntityKey;
  /** The entity's key in the live pool (a client's live id; otherwise the same as `entity`). */
  liveEntity: EntityKey;
  phase: Phase;
  expected: JsonObject | null;
  /** The writable view the task should leave behind (null: deleted). */
  desired: JsonObject | null;
  /**
   * Set when `expected` cannot be checked at apply time, and why: the entity was hidden when the plan
   * was made (a UI customization without a domain, a risk configuration without threat protection)
   * or an earlier phase of this restore writes it too (UpdateUserPool sending the tags). Apply then
   * runs the actions without the changed-since-the-plan check.
   */
  unchecked?: string;
  actions: RestoreAction[];
}

export type NoteKind =
  | 'password'
  | 'sub'
  | 'clientId'
  | 'clientSecret'
  | 'federatedUser'
  | 'providerLink'
  | 'totp'
  | 'identityProviderSecret'
  | 'uiImage'
  | 'createdAfter'
  /** The live user of a name is someone else than the user of T: left alone, or replaced (--exact). */
  | 'impostor'
  | 'notCaptured'
  /** A part the endpoint has no write API for (tags on cognito-local): nothing planned for it. */
  | 'notWritable'
  /** A field changed by T to a value nobody observed: left as it is, never guessed. */
  | 'unknownValue'
  /** A domain that only a delete and a re-creation can bring back as at T: --exact does it, undo never. */
  | 'domainReplacement'
  /** A custom domain created or deleted: a CloudFront distribution comes or goes, its DNS record must follow. */
  | 'customDomainDns'
  /** What a `--revert` leaves out of its one entity on purpose (a group's memberships), and how to do it. */
  | 'revertScope';

/** What Cognito cannot take back, or what the restore leaves alone on purpose: never silent. */
export interface RestoreNote {
  kind: NoteKind;
  entity: EntityKey;
  message: string;
}

export interface RestorePlan {
  sourcePoolId: string;
  targetPoolId: string;
  at: string;
  mode: RestoreMode;
  /** Deletions first (`--exact`), then the rest in phase order. */
  tasks: EntityTask[];
  /** Entities that exist live but not at T, left as they are (undo mode). */
  kept: EntityKey[];
  notes: RestoreNote[];
  /** Target-pool ARN (tags are written by ARN). */
  targetArn?: string;
}

export const actionCount = (plan: RestorePlan): number =>
  plan.tasks.reduce((n, task) => n + task.actions.length, 0);
