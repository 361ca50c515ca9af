import { entityKey } from '../../model/entityKey.js';
import { deepEqual, type JsonObject } from '../../model/json.js';
import { action, addTask, fieldChanges, idOf, keysOf, type PlanContext } from './planContext.js';
import { writableView } from './writableView.js';

export interface ClientMatching {
  /** Client id at T → live client id, from an earlier run's ledger. */
  ledger?: ReadonlyMap<string, string>;
  /** Another pool: a client matches the live client of the same name, if only one has it. */
  byName?: boolean;
}

/**
 * Which live client each client of state(T) is. The ledger of an earlier (interrupted) run wins, so
 * a re-run never creates a client twice; then the same id; then, into another pool, a unique name.
 */
export function matchClients(ctx: PlanContext, matching: ClientMatching): Map<string, string> {
  const matched = new Map<string, string>();
  const taken = new Set<string>();
  const liveIds = new Set(keysOf(ctx.live, 'client').map(idOf));
  const targetIds = keysOf(ctx.target, 'client').map(idOf);
  const claim = (id: string, liveId: string | undefined) => {
    if (liveId === undefined || !liveIds.has(liveId) || taken.has(liveId)) return;
    matched.set(id, liveId);
    taken.add(liveId);
  };
  for (const id of targetIds) claim(id, matching.ledger?.get(id) ?? id);
  if (!matching.byName) return matched;
  const nameOf = (state: ReadonlyMap<string, JsonObject>, id: string) =>
    state.get(entityKey('client', id))?.ClientName;
  for (const id of targetIds.filter((t) => !matched.has(t))) {
    const same = [...liveIds].filter((l) => !taken.has(l) && nameOf(ctx.live, l) === nameOf(ctx.target, id));
    if (same.length === 1) claim(id, same[0]);
  }
  return matched;
}

/** App clients: re-created ones get new ids and secrets (ledger and notes); settings put back in place. */
export function planClients(ctx: PlanContext, matched: ReadonlyMap<string, string>): void {
  if (!ctx.inScope('clients')) return;
  for (const key of keysOf(ctx.target, 'client')) {
    const liveId = matched.get(idOf(key));
    if (liveId === undefined) planCreatedClient(ctx, key);
    else planUpdatedClient(ctx, key, entityKey('client', liveId));
  }
  const liveMatched = new Set(matched.values());
  for (const key of keysOf(ctx.live, 'client')) {
    if (liveMatched.has(idOf(key))) continue;
    if (ctx.mode === 'exact')
      addTask(ctx, 'deletions', key, writableView(key, ctx.live.get(key)), null, [
        action('deleteClient', key, { ClientId: idOf(key) }, 'did not exist at T'),
      ]);
    else ctx.kept.push(key);
  }
}

function planCreatedClient(ctx: PlanContext, key: string): void {
  const doc = ctx.target.get(key) as JsonObject;
  const want = writableView(key, doc) as JsonObject;
  const input = { ...want, GenerateSecret: doc.HasClientSecret === true };
  addTask(ctx, 'clients', key, null, want, [
    action('createClient', key, input, 'deleted since T', fieldChanges(null, want)),
  ]);
  const name = String(doc.ClientName);
  ctx.notes.push({
    kind: 'clientId',
    entity: key,
    message: `client ${name} (${idOf(key)}) gets a new id: see the client id ledger`,
  });
  if (doc.HasClientSecret === true)
    ctx.notes.push({
      kind: 'clientSecret',
      entity: key,
      message: `client ${name} gets a new secret: give it to the applications that use it`,
    });
}

function planUpdatedClient(ctx: PlanContext, key: string, liveKey: string): void {
  const doc = ctx.target.get(key) as JsonObject;
  const want = writableView(key, doc) as JsonObject;
  const live = ctx.live.get(liveKey) as JsonObject;
  const have = writableView(liveKey, live) as JsonObject;
  if (!deepEqual(want, have)) {
    const update = action(
      'updateClient',
      key,
      { ...want, ClientId: idOf(key) },
      'changed since T',
      fieldChanges(have, want),
    );
    addTask(ctx, 'clients', key, have, want, [update], liveKey);
  }
  if (doc.HasClientSecret === true && live.HasClientSecret !== true)
    ctx.notes.push({
      kind: 'clientSecret',
      entity: key,
      message: `client ${String(doc.ClientName)} had a secret at T; an existing client cannot be given one`,
    });
}

/** UI customization follows its client to the client's new id; the pool default is `ALL`. */
export function planUiCustomization(ctx: PlanContext, matched: ReadonlyMap<string, string>): void {
  if (!ctx.inScope('ui')) return;
  // Without a domain the live pool's UI customization is not read (a backup skips it), so the plan
  // cannot know it; the domain phase re-creates the domain and shows what Cognito kept.
  const unchecked =
    ctx.live.get('domain') === undefined
      ? 'the live pool has no domain: its UI customization was not read'
      : undefined;
  for (const key of keysOf(ctx.target, 'ui')) {
    const id = idOf(key);
    const doc = ctx.target.get(key) as JsonObject;
    if (doc.ImageUrl !== undefined)
      ctx.notes.push({
        kind: 'uiImage',
        entity: key,
        message: `the logo of ${id} cannot be restored from its URL: upload it again`,
      });
    const liveId = id === 'ALL' ? 'ALL' : matched.get(id);
    const liveKey = liveId === undefined ? undefined : entityKey('ui', liveId);
    const want = writableView(key, doc) as JsonObject;
    const have = liveKey === undefined ? null : writableView(key, ctx.live.get(liveKey));
    const css = want.CSS;
    if (typeof css !== 'string' || deepEqual(want, have)) continue;
    addTask(
      ctx,
      'ui',
      key,
      have,
      want,
      [
        action(
          'setUiCustomization',
          key,
          { ...want, CSS: css, ClientId: id },
          'UI customization changed since T',
          fieldChanges(have, want),
        ),
      ],
      liveKey ?? key,
      unchecked,
    );
  }
  uiSetAfterT(ctx, matched);
}

/**
 * UI customization set after T on the pool default or on a client that existed then: Cognito has no
 * call that removes one (an empty one no longer falls back to the pool default), so even an exact
 * restore leaves it, and says so instead of passing over it in silence.
 */
function uiSetAfterT(ctx: PlanContext, matched: ReadonlyMap<string, string>): void {
  const atT = new Map([...matched].map(([id, liveId]) => [liveId, id]));
  atT.set('ALL', 'ALL');
  for (const key of keysOf(ctx.live, 'ui')) {
    const id = atT.get(idOf(key));
    // A client made after T takes its customization with it (deleted, or kept, as the client is).
    if (id === undefined || ctx.target.has(entityKey('ui', id))) continue;
    if (ctx.mode === 'undo') ctx.kept.push(key);
    else
      ctx.notes.push({
        kind: 'createdAfter',
        entity: key,
        message: `the UI customization of ${idOf(key)} was set after T; Cognito cannot remove one, so it is left as it is`,
      });
  }
}
