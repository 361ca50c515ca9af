import { describe, expect, it } from 'vitest';
import type { EntityKey } from '../../model/entityKey.js';
import type { JsonObject } from '../../model/json.js';
import { type PlanInput, planRestore } from './planRestore.js';
import type { RestorePlan } from './restorePlan.js';

/* Who a user is, as the planner decides it: hand-made states in the canonical form a backup stores. */

const SCHEMA: JsonObject[] = [
  { Name: 'sub', AttributeDataType: 'String', Mutable: false, Required: true },
  { Name: 'email', AttributeDataType: 'String', Mutable: true },
  { Name: 'custom:level', AttributeDataType: 'Number', Mutable: true },
];

const pool = (over: JsonObject = {}): JsonObject => ({
  Id: 'us-east-1_live',
  Name: 'pool',
  MfaConfiguration: 'OFF',
  SchemaAttributes: SCHEMA,
  ...over,
});

const AT = '2024-01-01T00:00:00.000Z';
const LATER = '2024-06-01T12:00:00.000Z';

const user = (
  username: string,
  groups: string[],
  attributes: Record<string, string>,
  over: JsonObject = {},
) => ({
  username,
  attributes: { sub: `sub-${username}`, email: `${username}@example.com`, ...attributes },
  enabled: true,
  status: 'CONFIRMED',
  groups,
  createdAt: AT,
  modifiedAt: AT,
  ...over,
});

const group = (name: string): JsonObject => ({ GroupName: name, Precedence: 1, CreationDate: AT });

const state = (entries: Record<EntityKey, JsonObject>) => new Map(Object.entries(entries));

const AT_T = state({
  pool: pool(),
  'group:admins': group('admins'),
  'group:staff': group('staff'),
  'user:alice': user('alice', ['admins', 'staff'], {}),
  'user:bob': user('bob', ['staff'], { 'custom:level': '2' }),
});

/** Someone deleted bob and made a "bob" of their own: their mailbox, their sub, in admins. */
const IMPOSTOR = user(
  'bob',
  ['admins'],
  { sub: 'sub-evil', email: 'mallory@evil.example.com', 'custom:level': '2' },
  { createdAt: LATER, modifiedAt: LATER },
);

const plan = (
  live: Map<EntityKey, JsonObject>,
  over: Partial<PlanInput> = {},
  target: Map<EntityKey, JsonObject> = AT_T,
): RestorePlan =>
  planRestore({
    sourcePoolId: 'us-east-1_live',
    targetPoolId: 'us-east-1_live',
    at: '2024-06-01T00:00:00.000Z',
    target,
    live,
    mode: 'undo',
    ...over,
  });

const withDocs = (from: Map<EntityKey, JsonObject>, docs: Record<EntityKey, JsonObject>) => {
  const copy = new Map(from);
  for (const [key, doc] of Object.entries(docs)) copy.set(key, doc);
  return copy;
};

const without = (from: Map<EntityKey, JsonObject>, ...keys: EntityKey[]) => {
  const copy = new Map(from);
  for (const key of keys) copy.delete(key);
  return copy;
};

const actionsOf = (p: RestorePlan, entity: EntityKey) =>
  p.tasks.filter((t) => t.entity === entity).flatMap((t) => t.actions.map((a) => a.id));
const notesOf = (p: RestorePlan, entity: EntityKey) =>
  p.notes.filter((n) => n.entity === entity).map((n) => n.kind);

describe('planRestore: a user is its sub and creation date, not its name', () => {
  const live = withDocs(AT_T, { 'user:bob': IMPOSTOR });

  it('undo never merges an impostor into the user at T: it does nothing to it, and says why', () => {
    for (const over of [{}, { users: ['bob'] }, { only: ['users' as const, 'memberships' as const] }]) {
      const p = plan(live, over);
      expect(actionsOf(p, 'user:bob')).toEqual([]);
      expect(p.kept).toEqual([]);
      const [note] = p.notes.filter((n) => n.entity === 'user:bob');
      expect(note).toMatchObject({ kind: 'impostor' });
      expect(note?.message).toContain('sub sub-bob at T, sub-evil now');
      expect(note?.message).toContain(`created ${AT} at T, ${LATER} now`);
      expect(note?.message).toContain(
        'undo never merges two users (--exact restoring this user replaces that one)',
      );
    }
    // Nor does a restore of the groups' memberships, in either mode: no user made since T is touched there.
    for (const mode of ['undo', 'exact'] as const)
      expect(actionsOf(plan(live, { groups: ['admins', 'staff'], mode }), 'user:bob')).toEqual([]);
  });

  it('exact deletes the impostor and re-creates the user at T, with its groups, in one task', () => {
    for (const over of [{ mode: 'exact' as const }, { mode: 'exact' as const, users: ['bob'] }]) {
      const p = plan(live, over);
      const [task, ...more] = p.tasks.filter((t) => t.entity === 'user:bob');
      expect(more).toEqual([]);
      expect(task?.phase).toBe('users');
      expect(task?.actions.map((a) => a.id)).toEqual([
        'replaceUser user:bob',
        'createUser user:bob',
        'addToGroup user:bob staff',
      ]);
      // The replacement deletes only the user the plan saw, and apply checks it is still that one.
      expect(task?.actions[0]?.input).toEqual({ Username: 'bob', Sub: 'sub-evil' });
      expect(task?.actions[0]?.changes).toEqual([{ field: 'sub', before: 'sub-evil', after: 'sub-bob' }]);
      expect(task?.actions.find((a) => a.kind === 'createUser')?.input.UserAttributes).toEqual({
        email: 'bob@example.com',
        'custom:level': '2',
      });
      expect(task?.expected).toMatchObject({
        groups: ['admins'],
        attributes: { email: 'mallory@evil.example.com' },
      });
      expect(task?.desired).toMatchObject({ groups: ['staff'], attributes: { email: 'bob@example.com' } });
      expect(notesOf(p, 'user:bob').sort()).toEqual(['impostor', 'password', 'sub']);
    }
  });

  it('tells users apart by creation date too (cognito-local takes a caller-supplied sub)', () => {
    const sameSub = user('bob', ['staff'], { 'custom:level': '2' }, { createdAt: LATER });
    const p = plan(withDocs(AT_T, { 'user:bob': sameSub }), { mode: 'exact' });
    expect(actionsOf(p, 'user:bob')[0]).toBe('replaceUser user:bob');
  });

  it('takes a sub or creation date nobody recorded as no difference', () => {
    const unknown = withDocs(AT_T, {
      'user:bob': user('bob', ['staff'], { 'custom:level': '3', sub: '' }, { createdAt: '' }),
    });
    expect(actionsOf(plan(unknown, { mode: 'exact' }), 'user:bob')).toEqual([
      'updateUserAttributes user:bob',
    ]);
  });

  it('into another pool every user has another sub: users there go by name, as before', () => {
    const p = plan(live, { targetPoolId: 'us-east-1_copy', mode: 'exact' });
    expect(actionsOf(p, 'user:bob')).toEqual([
      'updateUserAttributes user:bob',
      'removeFromGroup user:bob admins',
      'addToGroup user:bob staff',
    ]);
  });
});

describe("planRestore: the users this restore made are its own (its journal's ledger)", () => {
  const ours = user(
    'bob',
    ['staff'],
    { sub: 'sub-new', 'custom:level': '2' },
    { createdAt: LATER, status: 'FORCE_CHANGE_PASSWORD' },
  );
  const ledger = [{ username: 'bob', oldSub: 'sub-bob', newSub: 'sub-new' }];

  it('a re-run does not take the bob it re-created for an impostor', () => {
    const live = withDocs(AT_T, { 'user:bob': ours });
    for (const mode of ['undo', 'exact'] as const) {
      const again = plan(live, { mode, recreated: { ledger, unanswered: [] } });
      expect(again.tasks).toEqual([]);
      expect(again.notes).toEqual([]);
    }
    // Someone else's bob since (another sub than the ledger's) is an impostor again.
    const replacedAgain = withDocs(AT_T, { 'user:bob': IMPOSTOR });
    const p = plan(replacedAgain, { mode: 'exact', recreated: { ledger, unanswered: [] } });
    expect(actionsOf(p, 'user:bob')[0]).toBe('replaceUser user:bob');
  });

  it('follows the ledgers of every restore of the pool, through each re-creation, and only from the sub at T', () => {
    const third = { ...ours, attributes: { ...ours.attributes, sub: 'sub-3' } };
    const chain = [...ledger, { username: 'bob', oldSub: 'sub-new', newSub: 'sub-3' }];
    const live = withDocs(AT_T, { 'user:bob': third });
    expect(plan(live, { mode: 'exact', recreated: { ledger: chain, unanswered: [] } }).tasks).toEqual([]);
    // A ledger entry that starts from another sub vouches for nobody here.
    const elsewhere = [{ username: 'bob', oldSub: 'sub-other', newSub: 'sub-evil' }];
    const impostor = withDocs(AT_T, { 'user:bob': IMPOSTOR });
    const p = plan(impostor, { mode: 'exact', recreated: { ledger: elsewhere, unanswered: [] } });
    expect(actionsOf(p, 'user:bob')[0]).toBe('replaceUser user:bob');
  });

  it('adopts a creation an earlier run never heard back from, found live as it left it: not created twice', () => {
    const unheard = { ...ours, groups: [] };
    const live = withDocs(AT_T, { 'user:bob': unheard });
    const p = plan(live, { recreated: { ledger: [], unanswered: ['bob'] } });
    expect(actionsOf(p, 'user:bob')).toEqual(['adoptUser user:bob', 'addToGroup user:bob staff']);
    const adopt = p.tasks.find((t) => t.entity === 'user:bob')?.actions[0];
    expect(adopt?.input).toEqual({ Username: 'bob', Sub: 'sub-new' });
    // Touched since (signed in, in a group, other attributes), it is not what our call left: someone else.
    for (const touched of [
      { ...unheard, status: 'CONFIRMED' },
      { ...unheard, groups: ['admins'] },
      { ...unheard, attributes: { ...unheard.attributes, email: 'mallory@evil.example.com' } },
    ]) {
      const other = plan(withDocs(AT_T, { 'user:bob': touched }), {
        recreated: { ledger: [], unanswered: ['bob'] },
      });
      expect(actionsOf(other, 'user:bob')).toEqual([]);
      expect(notesOf(other, 'user:bob')).toEqual(['impostor']);
    }
  });
});

describe('planRestore: email or phone as username', () => {
  const emailPool = pool({ UsernameAttributes: ['email'] });
  // Cognito names such users after their sub.
  const ann = user('u-ann', ['staff'], { sub: 'u-ann', email: 'ann@example.com' }, { enabled: false });
  const target = state({ pool: emailPool, 'group:staff': group('staff'), 'user:u-ann': ann });
  const gone = without(target, 'user:u-ann');
  const ledger = [{ username: 'u-ann', oldSub: 'u-ann', newSub: 'u-new', newUsername: 'u-new' }];
  const remade = (over: JsonObject = {}) =>
    user(
      'u-new',
      [],
      { sub: 'u-new', email: 'ann@example.com' },
      { status: 'FORCE_CHANGE_PASSWORD', ...over },
    );

  it('re-creates a user under its email: Cognito refuses a UUID there, and names the user itself', () => {
    const p = plan(gone, {}, target);
    const task = p.tasks.find((t) => t.entity === 'user:u-ann');
    expect(task?.actions.map((a) => a.id)).toEqual([
      'createUser user:u-ann',
      'disableUser user:u-ann',
      'addToGroup user:u-ann staff',
    ]);
    expect(task?.actions.find((a) => a.kind === 'createUser')?.input.Username).toBe('ann@example.com');
    // Later actions name the user as at T; apply gives them the name Cognito answered with.
    expect(task?.actions.find((a) => a.kind === 'disableUser')?.input.Username).toBe('u-ann');
  });

  it('a re-run finds the user under its new name through the ledger: nothing planned, nothing kept or deleted', () => {
    const live = withDocs(gone, { 'user:u-new': remade({ enabled: false, groups: ['staff'] }) });
    for (const mode of ['undo', 'exact'] as const) {
      const again = plan(live, { mode, recreated: { ledger, unanswered: [] } }, target);
      expect(again.tasks).toEqual([]);
      expect(again.kept).toEqual([]);
    }
    // What is left to do goes to the live name.
    const half = plan(
      withDocs(gone, { 'user:u-new': remade() }),
      { recreated: { ledger, unanswered: [] } },
      target,
    );
    const task = half.tasks.find((t) => t.entity === 'user:u-ann');
    expect(task?.liveEntity).toBe('user:u-new');
    expect(task?.actions.map((a) => a.id)).toEqual(['disableUser user:u-ann', 'addToGroup user:u-ann staff']);
  });

  it('finds a creation never heard back from by its email, and adopts it', () => {
    const live = withDocs(gone, { 'user:u-new': remade() });
    const p = plan(live, { mode: 'exact', recreated: { ledger: [], unanswered: ['u-ann'] } }, target);
    expect(p.tasks.map((t) => [t.entity, t.liveEntity])).toEqual([['user:u-ann', 'user:u-new']]);
    expect(actionsOf(p, 'user:u-ann')).toEqual([
      'adoptUser user:u-ann',
      'disableUser user:u-ann',
      'addToGroup user:u-ann staff',
    ]);
  });

  it('undo refuses a user whose email someone made after T holds; exact deletes that one first', () => {
    const live = withDocs(gone, {
      'user:u-evil': user('u-evil', [], { sub: 'u-evil', email: 'ann@example.com' }, { createdAt: LATER }),
    });
    const undo = plan(live, {}, target);
    expect(undo.tasks).toEqual([]);
    expect(undo.kept).toEqual(['user:u-evil']);
    expect(undo.notes.find((n) => n.entity === 'user:u-ann')?.message).toContain(
      'email ann@example.com is held by user:u-evil',
    );
    const exact = plan(live, { mode: 'exact' }, target);
    expect(exact.tasks.map((t) => t.actions[0]?.id)).toEqual([
      'deleteUser user:u-evil',
      'createUser user:u-ann',
    ]);
  });
});
