import { inParallel } from '../../asyncIterables.js';
import type { ChangeCause } from '../../changes/changeRecord.js';
import { type LiveRead, readLiveEntity } from '../../cognito/readLiveEntity.js';
import { type EntityKey, entityKey, parseEntityKey } from '../../model/entityKey.js';
import { deepEqual, type JsonObject } from '../../model/json.js';
import type { ChangeLog, Clock, CognitoReader, CognitoWriter, RestoreJournal } from '../../ports.js';
import type { ClientLedgerEntry, JournalSummary, SubLedgerEntry } from '../journal/restoreJournal.js';
import { pacer } from '../pacing/pacer.js';
import type { RateLimiter } from '../pacing/rateLimiter.js';
import { checkRestorePlan } from '../plan/restoreActionSchema.js';
import type {
  ActionInputs,
  EntityTask,
  RestoreAction,
  RestoreActionKind,
  RestoreActionOf,
  RestorePlan,
} from '../plan/restorePlan.js';
import { writableView } from '../plan/writableView.js';
import { groupsReady, waves } from './applyOrder.js';
import { conflictingFields } from './liveConflict.js';
import { actionsOfMisses, describeMisses, readBackMisses } from './readBack.js';
import { appendRestoreRecord, sideEffects } from './restoreHistory.js';
import { ACTION_OPERATION, type ActionAnswer, runAction } from './runAction.js';

export interface ApplyDeps {
  writer: CognitoWriter;
  reader: CognitoReader;
  journal: RestoreJournal;
  limiter: RateLimiter;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** Where `source: restore` records of each change go; none: history is not written. */
  changeLog?: ChangeLog;
  /** Who runs the restore, and which restore it is: named by every record it writes. */
  cause?: ChangeCause;
  /** Entities worked on at once (each entity's own actions stay in order). @default 16 */
  concurrency?: number;
  /** Retries of a throttled call, after slowing its category down. @default 8 */
  throttleRetries?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ApplyContext {
  /** state(T), for statuses and old subs. */
  target: ReadonlyMap<EntityKey, JsonObject>;
  /** Whether user documents carry MFA settings. */
  userMfa: boolean;
  /** What earlier runs of the same restore did. */
  previous: JournalSummary;
}

export type OutcomeStatus = 'done' | 'failed' | 'skipped';

export interface ActionOutcome {
  action: string;
  kind: RestoreAction['kind'];
  entity: EntityKey;
  status: OutcomeStatus;
  /** Cognito's error, or why the action was skipped. */
  detail?: string;
  /** A skip because the entity changed since the plan (a conflict, not success). */
  conflict?: boolean;
}

export interface ApplyResult {
  outcomes: ActionOutcome[];
  subs: SubLedgerEntry[];
  clients: ClientLedgerEntry[];
  users: { username: string; statusAtT: string; statusNow: string | null }[];
  /** Entities changed but whose restore record could not be appended (other writers kept winning). */
  historyNotWritten: string[];
  startedAt: string;
  finishedAt: string;
  ok: boolean;
}

const messageOf = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
};

const LEFT_ALONE = Symbol('left alone');
const UNREAD = Symbol('not read back');

/**
 * Applies a plan to the live pool, phase after phase (groups and users together), entities of a phase
 * in parallel, every call paced by its quota category. Each entity is re-read first and left alone (reported) if it changed
 * since the plan; each action is journaled before and after; each changed entity is read back and
 * recorded in the change log as `source: restore`. A plan with an action whose input is not what its
 * kind takes is refused first (`InvalidInputError`), before any call.
 */
export async function applyPlan(
  plan: RestorePlan,
  deps: ApplyDeps,
  context: ApplyContext,
): Promise<ApplyResult> {
  checkRestorePlan(plan);
  const startedAt = deps.clock.now().toISOString();
  const clientIds = knownClientIds(plan, context.previous);
  const usernames = knownUsernames(plan);
  const result: ApplyResult = {
    outcomes: [],
    subs: [],
    clients: [],
    users: [],
    historyNotWritten: [],
    startedAt,
    finishedAt: startedAt,
    ok: true,
  };
  const total = plan.tasks.reduce((n, t) => n + t.actions.length, 0);
  const paced = pacer(deps.limiter, deps.sleep, deps.throttleRetries ?? 8);
  const read: LiveRead = {
    reader: deps.reader,
    poolId: plan.targetPoolId,
    arn: plan.targetArn,
    paced,
    userMfa: context.userMfa,
  };
  const liveKeyOf = (task: EntityTask): EntityKey => {
    const { kind, id = '' } = parseEntityKey(task.entity);
    if (kind === 'client' && task.liveEntity === task.entity)
      return entityKey('client', clientIds.get(id) ?? id);
    if (kind === 'ui' && id !== 'ALL') return entityKey('ui', clientIds.get(id) ?? id);
    // A user re-created where email or phone is the username has the name Cognito gave it.
    if (kind === 'user') return entityKey('user', usernames.get(id) ?? id);
    return task.liveEntity;
  };
  const byAction = new Map<string, ActionOutcome>();
  const outcome = (a: RestoreAction, status: OutcomeStatus, detail?: string, conflict?: boolean) => {
    const o: ActionOutcome = {
      action: a.id,
      kind: a.kind,
      entity: a.entity,
      status,
      ...(detail ? { detail } : {}),
      ...(conflict ? { conflict } : {}),
    };
    result.outcomes.push(o);
    byAction.set(a.id, o);
    deps.onProgress?.(result.outcomes.length, total);
  };
  const at = () => deps.clock.now().toISOString();

  const target = {
    writer: deps.writer,
    reader: deps.reader,
    poolId: plan.targetPoolId,
    arn: plan.targetArn,
    clientId: (id: string) => clientIds.get(id) ?? id,
  };

  /** One entity: re-read, then its actions in order (the rest skipped once one fails), then history. */
  const ready = groupsReady(plan);

  async function runTask(task: EntityTask): Promise<void> {
    try {
      await runEntity(task);
    } finally {
      if (task.phase === 'groups') ready.get(parseEntityKey(task.entity).id ?? '')?.settle();
    }
  }

  async function runEntity(task: EntityTask): Promise<void> {
    const liveKey = liveKeyOf(task);
    const beforeReadAt = at();
    const before = await reread(task, liveKey);
    if (before === LEFT_ALONE) return;
    let failed: string | undefined;
    for (const a of task.actions) {
      if (failed !== undefined) outcome(a, 'skipped', `not attempted: ${failed}`);
      else if (!(await runOne(a))) failed = `${a.id} failed`;
    }
    // A re-created client has its new id by now.
    const afterKey = liveKeyOf(task);
    const after = await recordAfter(task, afterKey, before, beforeReadAt);
    if (failed === undefined && after !== UNREAD) checkReadBack(task, afterKey, after);
  }

  /**
   * Cognito's answer is not the proof: an endpoint may accept a call and leave a field as it was
   * (cognito-local ignores a SetUserPoolMfaConfig without MfaConfiguration). The task's actions are
   * done only if the entity, read back, shows every field the task meant to change.
   */
  function checkReadBack(task: EntityTask, liveKey: EntityKey, after: JsonObject | null): void {
    const ignore = parseEntityKey(liveKey).kind === 'user' && !context.userMfa ? ['mfa'] : [];
    const misses = readBackMisses(task.expected, task.desired, writableView(liveKey, after), ignore);
    if (misses.length === 0) return;
    // The journal keeps Cognito's answers (done: a re-run must not take the call for unanswered);
    // the verdict is the outcome's, and the run's (its `finished` entry is not ok).
    const detail = describeMisses(misses);
    for (const a of actionsOfMisses(task, misses)) {
      const o = byAction.get(a.id);
      if (o === undefined) continue;
      o.status = 'failed';
      o.detail = detail;
    }
  }

  /** The entity as it is now, or LEFT_ALONE (reported) when it cannot be read or changed since the plan. */
  async function reread(
    task: EntityTask,
    liveKey: EntityKey,
  ): Promise<JsonObject | null | typeof LEFT_ALONE> {
    let before: JsonObject | null;
    try {
      before = await readLiveEntity(read, liveKey);
    } catch (error) {
      for (const a of task.actions) outcome(a, 'failed', `re-reading ${liveKey} failed: ${messageOf(error)}`);
      return LEFT_ALONE;
    }
    const changed =
      task.unchecked === undefined
        ? conflictingFields(task.expected, task.desired, writableView(liveKey, before))
        : [];
    if (changed.length === 0) return before;
    const reason = `${liveKey} changed since the plan was made (${changed.join(', ')}); left as it is`;
    for (const a of task.actions) {
      await deps.journal.append({ type: 'skipped', at: at(), action: a.id, entity: a.entity, reason });
      outcome(a, 'skipped', reason, true);
    }
    return LEFT_ALONE;
  }

  /** One action, journaled before and after; its ledger entry kept. False when it failed. */
  async function runOne(a: RestoreAction): Promise<boolean> {
    if (a.kind === 'addToGroup' || a.kind === 'removeFromGroup')
      await ready.get(String(a.input.GroupName))?.done;
    await deps.journal.append({ type: 'start', at: at(), action: a.id, entity: a.entity });
    try {
      const call = withLiveUsername(a, usernames);
      const answer = await paced(ACTION_OPERATION[a.kind], () => runAction(target, call));
      const ledger = ledgerEntry(a, answer, context.target);
      if (ledger?.client !== undefined) {
        clientIds.set(ledger.client.oldClientId, ledger.client.newClientId);
        result.clients.push(ledger.client);
      }
      if (ledger?.sub !== undefined) {
        result.subs.push(ledger.sub);
        if (ledger.sub.newUsername !== undefined) usernames.set(ledger.sub.username, ledger.sub.newUsername);
      }
      await deps.journal.append({
        type: 'done',
        at: at(),
        action: a.id,
        entity: a.entity,
        ...(ledger ? { result: ledger.result } : {}),
      });
      outcome(a, 'done');
      return true;
    } catch (error) {
      await deps.journal.append({
        type: 'failed',
        at: at(),
        action: a.id,
        entity: a.entity,
        error: messageOf(error),
      });
      outcome(a, 'failed', messageOf(error));
      return false;
    }
  }

  async function recordAfter(
    task: EntityTask,
    liveKey: EntityKey,
    before: JsonObject | null,
    beforeReadAt: string,
  ): Promise<JsonObject | null | typeof UNREAD> {
    let after: JsonObject | null;
    try {
      after = await readLiveEntity(read, liveKey);
    } catch {
      // The change happened; only its record is missing, and the next backup reconciles it.
      return UNREAD;
    }
    const targetDoc = context.target.get(task.entity);
    if (parseEntityKey(task.entity).kind === 'user' && targetDoc !== undefined)
      result.users.push({
        username: String(targetDoc.username),
        statusAtT: String(targetDoc.status),
        statusNow: after === null ? null : String(after.status),
      });
    if (deps.changeLog !== undefined && !deepEqual(before ?? undefined, after ?? undefined))
      await recordHistory(deps.changeLog, liveKey, { doc: before, readAt: beforeReadAt }, after);
    return after;
  }

  /**
   * The restore's record of one entity. The change is made whatever happens here: an entity whose
   * record cannot be appended (other writers kept taking it, or the log refuses: the bucket alone, a
   * store gone away) is reported, and the restore goes on; the next backup records it as drift.
   */
  async function recordHistory(
    changeLog: ChangeLog,
    key: EntityKey,
    before: { doc: JsonObject | null; readAt: string },
    after: JsonObject | null,
  ): Promise<void> {
    try {
      await appendRestoreRecord(
        changeLog,
        plan.targetPoolId,
        key,
        chainBase(key),
        before,
        after,
        at,
        deps.cause,
      );
    } catch {
      if (!result.historyNotWritten.includes(key)) result.historyNotWritten.push(key);
    }
  }

  // An entity the change log has no record of stands in its chain as every snapshot holds it: in its
  // own pool that is its document at T (unchanged since the first backup), or nothing for one made
  // since. A record's patch must start there, not from the unrecorded state just read, or the chain
  // no longer verifies against its snapshot. Another pool the log knows nothing of starts from
  // nothing: what the restore found there goes in first as its baseline (as a first backup's read).
  const chainBase = (key: EntityKey): JsonObject | null =>
    plan.sourcePoolId === plan.targetPoolId ? (context.target.get(key) ?? null) : null;

  const sideBefore = new Map<EntityKey, JsonObject | null>();
  const sideReadAt = at();
  if (deps.changeLog !== undefined)
    for (const key of sideEffects(plan))
      sideBefore.set(key, await readLiveEntity(read, key).catch(() => null));

  await deps.journal.append({ type: 'run', at: startedAt, planned: total });
  const limit = deps.concurrency ?? 16;
  for (const wave of waves(plan)) {
    // Pool settings before the MFA configuration that may depend on them. Groups and users each get
    // their own workers, so users start while groups are still being made (their memberships wait).
    const groups = wave.filter((task) => task.phase === 'groups');
    const others = wave.filter((task) => task.phase !== 'groups');
    await Promise.all([
      inParallel(groups, limit, runTask),
      inParallel(others, others[0]?.phase === 'pool' ? 1 : limit, runTask),
    ]);
  }
  for (const [key, before] of sideBefore) {
    const after = await readLiveEntity(read, key).catch(() => undefined);
    if (after !== undefined && deps.changeLog !== undefined)
      await recordHistory(deps.changeLog, key, { doc: before, readAt: sideReadAt }, after);
  }
  result.finishedAt = at();
  result.ok = result.outcomes.every((o) => o.status === 'done');
  await deps.journal.append({ type: 'finished', at: result.finishedAt, ok: result.ok });
  return result;
}

/**
 * Client id at T → live id: earlier runs' ledger, plus the clients the plan matched to a live client
 * of another id (by name, into another pool), whose updates and UI customization go to that id and
 * not to the id at T, which does not exist there.
 */
function knownClientIds(plan: RestorePlan, previous: JournalSummary): Map<string, string> {
  const clientIds = new Map(previous.clients.map((c) => [c.oldClientId, c.newClientId]));
  for (const task of plan.tasks) {
    const at = parseEntityKey(task.entity);
    const live = parseEntityKey(task.liveEntity);
    const clientKind = at.kind === 'client' || at.kind === 'ui';
    if (clientKind && live.kind === at.kind && at.id && live.id && at.id !== live.id)
      clientIds.set(at.id, live.id);
  }
  return clientIds;
}

/**
 * Username at T → live name, for users whose name Cognito generated (email or phone as username):
 * those the plan found under another name (re-created by an earlier run), then each one this run
 * re-creates. Usernames in the plan's inputs are those at T, as client ids are.
 */
function knownUsernames(plan: RestorePlan): Map<string, string> {
  const usernames = new Map<string, string>();
  for (const task of plan.tasks) {
    const at = parseEntityKey(task.entity);
    const live = parseEntityKey(task.liveEntity);
    if (at.kind === 'user' && live.kind === 'user' && at.id && live.id && at.id !== live.id)
      usernames.set(at.id, live.id);
  }
  return usernames;
}

/** The action with its user's live name (a creation names the user by its address: left as it is). */
function withLiveUsername(a: RestoreAction, usernames: ReadonlyMap<string, string>): RestoreAction {
  const { kind, id = '' } = parseEntityKey(a.entity);
  const name = usernames.get(id);
  if (kind !== 'user' || name === undefined) return a;
  switch (a.kind) {
    case 'replaceUser':
    case 'adoptUser':
    case 'updateUserAttributes':
    case 'deleteUserAttributes':
    case 'enableUser':
    case 'disableUser':
    case 'setUserMfa':
    case 'deleteUser':
    case 'addToGroup':
    case 'removeFromGroup':
    case 'linkProvider':
      return renamed(a, name);
    default:
      return a;
  }
}

/** The kinds whose input names a user. */
type UserActionKind = {
  [K in RestoreActionKind]: ActionInputs[K] extends { Username: string } ? K : never;
}[RestoreActionKind];

const renamed = <K extends UserActionKind>(a: RestoreActionOf<K>, Username: string): RestoreActionOf<K> => ({
  ...a,
  input: { ...a.input, Username },
});

/** What a call's answer adds to a ledger, and the same as the journal keeps it. */
type LedgerEntry =
  | { sub: SubLedgerEntry; client?: undefined; result: JsonObject }
  | { client: ClientLedgerEntry; sub?: undefined; result: JsonObject };

function ledgerEntry(
  a: RestoreAction,
  answer: ActionAnswer | undefined,
  target: ReadonlyMap<EntityKey, JsonObject>,
): LedgerEntry | undefined {
  if (answer === undefined) return undefined;
  const doc = target.get(a.entity);
  if (a.kind === 'createUser' || a.kind === 'adoptUser') {
    // The sub ledger names users as at T; a name Cognito generated goes beside it.
    const username = parseEntityKey(a.entity).id ?? '';
    const oldSub = (doc?.attributes as Record<string, string> | undefined)?.sub ?? '';
    const newSub = answer.newSub ?? '';
    const { newUsername } = answer;
    const renamedTo = newUsername !== undefined && newUsername !== username ? { newUsername } : undefined;
    return {
      sub: { username, oldSub, newSub, ...renamedTo },
      result: { username, oldSub, newSub, ...renamedTo },
    };
  }
  if (a.kind === 'createClient') {
    const client = {
      clientName: String(doc?.ClientName ?? ''),
      oldClientId: parseEntityKey(a.entity).id ?? '',
      newClientId: answer.newClientId ?? '',
    };
    return { client, result: client };
  }
  return undefined;
}
