import type { ChangeRecord } from '../../changes/changeRecord.js';
import { readPoolState } from '../../cognito/readPoolState.js';
import { BeforeFirstSnapshotError, InvalidInputError } from '../../errors.js';
import { type EntityKey, parseEntityKey } from '../../model/entityKey.js';
import type { JsonObject } from '../../model/json.js';
import type { ChangeLog, CognitoReader, CognitoWriter } from '../../ports.js';
import { stateAt } from '../../replay/stateAt.js';
import type { SnapshotStore } from '../../snapshots/snapshotStore.js';
import type { JournalSummary } from '../journal/restoreJournal.js';
import { keysOf } from './planContext.js';
import { type PlanInput, planRestore } from './planRestore.js';
import type { RestoreMode, RestoreNote, RestorePlan, RestoreScope } from './restorePlan.js';
import { settleUnknownFields } from './unknownFields.js';
import { changesOptionalParts, leaveUnwritable } from './unwritableParts.js';
import type { RecreatedUsers } from './userIdentity.js';

export interface RestoreRequest {
  sourcePoolId: string;
  targetPoolId: string;
  /** ISO-8601; ignored with `revert`, whose time is just before the change. */
  at: string;
  mode: RestoreMode;
  only?: readonly RestoreScope[];
  users?: readonly string[];
  groups?: readonly string[];
  /** A change record id: put its entity back to its state just before that change. */
  revert?: string;
  notify?: boolean;
  /** What earlier runs of this restore did (their client ledger keeps re-runs from creating twice). */
  previous?: JournalSummary;
  /**
   * What other restores of the pool did to users (their journals' sub ledgers): the users they
   * re-created are known for what they are, not taken for impostors under a name of T.
   */
  otherRestores?: readonly JournalSummary[];
}

export interface PreparedRestore {
  plan: RestorePlan;
  /** state(T) by entity key. */
  target: Map<EntityKey, JsonObject>;
  /** Whether the live read saw users' MFA settings (re-reads must match it). */
  userMfa: boolean;
  warnings: string[];
}

export interface PrepareDeps {
  snapshots: SnapshotStore;
  changeLog: ChangeLog;
  reader: CognitoReader;
  /** The writer apply will use: asked which parts its endpoint cannot write (none planned for them). */
  writer?: Pick<CognitoWriter, 'unwritable'>;
}

/** state(T) from the store, the live pool read whole, and the plan between them. No writes. */
export async function prepareRestore(deps: PrepareDeps, request: RestoreRequest): Promise<PreparedRestore> {
  const revert = request.revert === undefined ? undefined : await findRecord(deps.changeLog, request);
  const at = revert === undefined ? request.at : new Date(Date.parse(revert.validFrom) - 1).toISOString();
  const state = await stateAt(deps, request.sourcePoolId, at).catch((error: unknown) => {
    if (revert !== undefined && error instanceof BeforeFirstSnapshotError)
      throw new InvalidInputError(
        `--revert ${request.revert}: the store holds no snapshot before that change`,
      );
    throw error;
  });
  const recorded = new Map<EntityKey, JsonObject>();
  const unknown = new Map<EntityKey, string[]>();
  for await (const entry of state.entities) {
    recorded.set(entry.key, entry.doc);
    if (entry.unknown !== undefined && entry.unknown.length > 0) unknown.set(entry.key, entry.unknown);
  }
  const scan = await readPoolState(deps.reader, request.targetPoolId);
  const live = new Map(scan.entities.map((e) => [e.key, e.doc] as const));
  const { target, notes: unknownNotes } = settleUnknownFields(recorded, live, unknown);
  const input: PlanInput = {
    sourcePoolId: request.sourcePoolId,
    targetPoolId: request.targetPoolId,
    at: state.at,
    target,
    live,
    mode: revert === undefined ? request.mode : 'exact',
    notify: request.notify ?? false,
    notCaptured: [...new Set([...state.notCaptured, ...scan.notCaptured])].filter((c) => c !== 'userMfa'),
    clients: {
      ledger: clientLedger(request.previous, target, live),
      byName: request.targetPoolId !== request.sourcePoolId,
    },
    recreated: recreatedUsers([request.previous, ...(request.otherRestores ?? [])]),
    ...(request.only ? { only: request.only } : {}),
    ...(request.users ? { users: request.users } : {}),
    ...(request.groups ? { groups: request.groups } : {}),
    ...(revert ? revertScope(revert.entity) : {}),
  };
  let plan = planRestore(input);
  plan = { ...plan, notes: [...plan.notes, ...unknownNotes.filter((note) => inScope(input, note.entity))] };
  if (revert !== undefined && input.users === undefined && input.groups === undefined)
    plan = onlyEntity(plan, revert.entity, membershipsLeft(revert.entity, target, live));
  plan = await withoutUnwritable(plan, deps.writer);
  return { plan, target, userMfa: scan.userMfaRead, warnings: state.warnings };
}

/** The plan less what the writer's endpoint cannot write (listed instead); asked only when it matters. */
async function withoutUnwritable(plan: RestorePlan, writer: PrepareDeps['writer']): Promise<RestorePlan> {
  if (plan.targetArn === undefined || writer?.unwritable === undefined || !changesOptionalParts(plan))
    return plan;
  return leaveUnwritable(plan, await writer.unwritable(plan.targetArn));
}

/** Whether a restore limited to some users or groups is about this entity. */
function inScope(input: PlanInput, entity: EntityKey): boolean {
  const { kind, id = '' } = parseEntityKey(entity);
  if (input.users !== undefined || input.groups !== undefined)
    return (
      (kind === 'user' && (input.users ?? []).includes(id)) ||
      (kind === 'group' && (input.groups ?? []).includes(id))
    );
  return (
    input.only === undefined ||
    input.only.includes(kind === 'user' ? 'users' : kind === 'group' ? 'groups' : (kind as never))
  );
}

async function findRecord(changeLog: ChangeLog, request: RestoreRequest): Promise<ChangeRecord> {
  for await (const record of changeLog.timeline(request.sourcePoolId))
    if (record.id === request.revert) return record;
  throw new InvalidInputError(
    `--revert ${request.revert}: no change record with that id for pool ${request.sourcePoolId}`,
  );
}

/**
 * A user revert is a `--user` restore (a user record holds the user's memberships). A group record
 * holds the group alone (description, precedence, role): its revert plans the groups, filtered to
 * that one afterwards, and never the memberships in it, which are their users' own records. Other
 * entities are filtered afterwards too.
 */
function revertScope(entity: EntityKey): Partial<PlanInput> {
  const { kind, id } = parseEntityKey(entity);
  if (kind === 'user' && id !== undefined) return { users: [id] };
  if (kind === 'group') return { only: ['groups'] };
  return {};
}

function onlyEntity(plan: RestorePlan, entity: EntityKey, left: RestoreNote[] = []): RestorePlan {
  return {
    ...plan,
    tasks: plan.tasks.filter((t) => t.entity === entity),
    kept: plan.kept.filter((k) => k === entity),
    notes: [...plan.notes.filter((n) => n.entity === entity), ...left],
  };
}

/**
 * A group's revert leaves the memberships in it as they are live (each is its user's record): when
 * some differ from then, the plan says so, with the way to put them back too.
 */
function membershipsLeft(
  entity: EntityKey,
  target: ReadonlyMap<EntityKey, JsonObject>,
  live: ReadonlyMap<EntityKey, JsonObject>,
): RestoreNote[] {
  const { kind, id } = parseEntityKey(entity);
  if (kind !== 'group' || id === undefined) return [];
  const inGroup = (doc: JsonObject | undefined) => ((doc?.groups ?? []) as string[]).includes(id);
  const users = new Set([...keysOf(target, 'user'), ...keysOf(live, 'user')]);
  const differ = [...users].filter((key) => inGroup(target.get(key)) !== inGroup(live.get(key))).length;
  if (differ === 0) return [];
  return [
    {
      kind: 'revertScope',
      entity,
      message: `the membership in ${id} of ${differ} user(s) differs from then and is left as it is: revert those users' changes, or restore with --group ${id}`,
    },
  ];
}

/**
 * Users earlier restores re-created (their sub ledgers), and those whose AdminCreateUser was sent
 * without an answer journaled: cut off mid-call, or failed in a way (a timeout) that may have made them.
 */
function recreatedUsers(journals: readonly (JournalSummary | undefined)[]): RecreatedUsers {
  const unanswered = journals
    .flatMap((journal) => [...(journal?.inFlight ?? []), ...(journal?.failed ?? [])])
    .filter(({ action }) => action.startsWith('createUser '))
    .map(({ entity }) => parseEntityKey(entity).id ?? '');
  return { ledger: journals.flatMap((journal) => journal?.subs ?? []), unanswered };
}

/**
 * Client id at T → live id, from earlier runs: their finished creations, and a creation that was
 * cut off mid-call (its new id never journaled) adopted by the client's unique name if it exists.
 */
function clientLedger(
  previous: JournalSummary | undefined,
  target: ReadonlyMap<EntityKey, JsonObject>,
  live: ReadonlyMap<EntityKey, JsonObject>,
): Map<string, string> {
  const ledger = new Map((previous?.clients ?? []).map((c) => [c.oldClientId, c.newClientId]));
  const claimed = new Set(ledger.values());
  for (const { entity } of previous?.inFlight ?? []) {
    const { kind, id } = parseEntityKey(entity);
    if (kind !== 'client' || id === undefined || ledger.has(id) || live.has(entity)) continue;
    const name = target.get(entity)?.ClientName;
    const same = keysOf(live, 'client').filter(
      (k) => live.get(k)?.ClientName === name && !claimed.has(k.slice(7)),
    );
    const only = same.length === 1 ? same[0] : undefined;
    if (only !== undefined) {
      ledger.set(id, only.slice('client:'.length));
      claimed.add(only.slice('client:'.length));
    }
  }
  return ledger;
}
