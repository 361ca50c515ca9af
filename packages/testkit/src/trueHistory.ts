import {
  deepEqual,
  type EntityKey,
  fromFields,
  type JsonObject,
  type JsonValue,
  parseEntityKey,
  toFields,
} from '@cognito-rewind/core';

/**
 * Test support for the end-to-end backup property: what a pool truly held (users and groups), read
 * after every operation, and the checks that compare a replayed state with it. Pure; no test framework.
 */
export type TrueKind = 'users' | 'groups';
export type TrueState = Record<TrueKind, Map<string, JsonObject>>;
/** The slice of a replayed `PoolStateDocument` these checks look at, with the fields it says are unknown. */
export type ShownState = Record<TrueKind, Record<string, JsonObject>> & {
  unknown?: Record<string, string[]>;
};

const KIND_OF_ENTITY: Record<string, TrueKind> = { user: 'users', group: 'groups' };
const ENTITY_OF_KIND: Record<TrueKind, string> = { users: 'user', groups: 'group' };
const KINDS: TrueKind[] = ['users', 'groups'];
const iso = (ms: number) => new Date(ms).toISOString();
const show = (value: JsonValue | undefined) => (value === undefined ? 'absent' : JSON.stringify(value));
const same = (a: JsonValue | undefined, b: JsonValue | undefined) =>
  a === undefined || b === undefined ? a === b : deepEqual(a, b);

/**
 * States keyed by the instant of the operation that produced them. The state at instant t is the one
 * after every operation stamped at or before t (an operation at t is already visible at t).
 */
export class TrueHistory {
  private readonly entries: { time: number; state: TrueState }[] = [];
  private readonly everSeen: Record<TrueKind, Set<string>> = { users: new Set(), groups: new Set() };

  /** The pool as read at `time`; times must not go backwards. */
  record(time: number, entities: Iterable<{ key: EntityKey; doc: JsonObject }>): void {
    const last = this.entries.at(-1);
    if (last !== undefined && time < last.time) throw new Error(`history went back to ${iso(time)}`);
    const state: TrueState = { users: new Map(), groups: new Map() };
    for (const { key, doc } of entities) {
      const { kind, id } = parseEntityKey(key);
      const field = KIND_OF_ENTITY[kind];
      if (field === undefined || id === undefined) continue;
      state[field].set(id, doc);
      this.everSeen[field].add(id);
    }
    if (last?.time === time) last.state = state;
    else this.entries.push({ time, state });
  }

  at(time: number): TrueState {
    let found: TrueState | undefined;
    for (const entry of this.entries) if (entry.time <= time) found = entry.state;
    if (found === undefined) throw new Error(`no true state recorded at or before ${iso(time)}`);
    return found;
  }

  /** Every state the pool passed through during [from, to]. */
  statesIn(from: number, to: number): TrueState[] {
    const inside = this.entries.filter((e) => e.time > from && e.time <= to).map((e) => e.state);
    return [this.at(from), ...inside];
  }

  names(kind: TrueKind): Set<string> {
    return this.everSeen[kind];
  }

  /** Times of the recorded states. */
  times(): number[] {
    return this.entries.map((e) => e.time);
  }
}

/**
 * (a) The replayed users and groups equal the true ones at `at`, document for document. A field the
 * state marks unknown (or inside a member marked so) claims nothing and is left out on both sides;
 * every other field, and whether the entity exists at all, must match exactly.
 */
export function exactViolations(
  history: TrueHistory,
  shown: ShownState,
  at: number,
  where = 'at backup',
): string[] {
  const truth = history.at(at);
  const out: string[] = [];
  for (const kind of KINDS) {
    const names = new Set([...truth[kind].keys(), ...Object.keys(shown[kind])]);
    for (const name of [...names].sort()) {
      const unknown = shown.unknown?.[`${ENTITY_OF_KIND[kind]}:${name}`] ?? [];
      const want = known(kind, truth[kind].get(name), unknown);
      const got = known(kind, shown[kind][name], unknown);
      const marked = unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : '';
      if (!same(want, got))
        out.push(
          `${where} ${iso(at)}: ${kind} ${name} replays as ${show(got)}${marked}, truly ${show(want)}`,
        );
    }
  }
  return out;
}

/** `doc` without the fields `unknown` covers (a pointer covers itself and every field inside it). */
function known(kind: TrueKind, doc: JsonObject | undefined, unknown: readonly string[]) {
  if (doc === undefined || unknown.length === 0) return doc;
  const entity = ENTITY_OF_KIND[kind];
  const fields = toFields(entity, doc);
  for (const path of [...fields.keys()])
    if (unknown.some((pointer) => path === pointer || path.startsWith(`${pointer}/`))) fields.delete(path);
  return fromFields(entity, fields);
}

/**
 * (b) Never a later state at an earlier time. Every entity the replay shows at `to` (or does not
 * show) must have existed (or been absent) at some instant of [from, to] — the same incarnation of
 * it, not merely one with the same name — and each field shown (each attribute on its own, group
 * membership as a set) must have been that incarnation's true value at some instant of that window.
 * `from` is the last backup at or before `to`: there the state is exact.
 */
export function pointInTimeViolations(
  history: TrueHistory,
  shown: ShownState,
  from: number,
  to: number,
): string[] {
  const states = history.statesIn(from, to);
  const out: string[] = [];
  const where = `at ${iso(to)} (window from ${iso(from)})`;
  for (const kind of KINDS) {
    const names = new Set([...history.names(kind), ...Object.keys(shown[kind])]);
    for (const name of [...names].sort()) {
      const truths = states.map((state) => state[kind].get(name));
      const unknown = shown.unknown?.[`${ENTITY_OF_KIND[kind]}:${name}`] ?? [];
      for (const problem of entityViolations(kind, shown[kind][name], truths, unknown))
        out.push(`${where}: ${kind} ${name} ${problem}`);
    }
  }
  return out;
}

/** One entity as shown, against what it truly was at each state of the window (undefined: absent). */
function entityViolations(
  kind: TrueKind,
  shown: JsonObject | undefined,
  truths: readonly (JsonObject | undefined)[],
  unknown: readonly string[],
): string[] {
  const existing = truths.filter((doc): doc is JsonObject => doc !== undefined);
  if (shown === undefined)
    return existing.length === truths.length ? ['is absent, yet existed all through the window'] : [];
  if (existing.length === 0) return ['is shown, yet did not exist in the window'];
  // A name deleted and created again is another entity: its fields are judged against its own past only.
  // A creation date the state marks unknown (created and gone before any read) leaves the sub to tell.
  const dateUnknown = unknown.includes('/createdAt');
  const incarnation = incarnationOf(kind, shown, dateUnknown);
  const same = existing.filter((doc) => incarnationOf(kind, doc, dateUnknown) === incarnation);
  if (same.length === 0) {
    const seen = [...new Set(existing.map((doc) => incarnationOf(kind, doc)))].join(' | ');
    return [`is shown as incarnation ${incarnation}, which did not exist in the window (true: ${seen})`];
  }
  return fieldViolations(shown, same, unknown);
}

/** What tells one life of a name from the next: its creation date, and a user's `sub` too. */
function incarnationOf(kind: TrueKind, doc: JsonObject, dateUnknown = false): string {
  if (kind === 'groups') return `created ${show(doc.CreationDate)}`;
  if (dateUnknown) return `sub ${show(attributesOf(doc).sub)}`;
  return `created ${show(doc.createdAt)} sub ${show(attributesOf(doc).sub)}`;
}

/**
 * Fields of `shown` whose value matches none of the true documents. A field the state marks unknown
 * (a JSON pointer: `/status`, `/attributes/email`) claims nothing, so it cannot be wrong.
 */
function fieldViolations(
  shown: JsonObject,
  truths: readonly JsonObject[],
  unknown: readonly string[],
): string[] {
  const out: string[] = [];
  const check = (label: string, pick: (doc: JsonObject) => JsonValue | undefined, pointer?: string) => {
    // A field is unknown when it, or the whole member holding it (`/attributes`), is marked so.
    if (pointer !== undefined && unknown.some((path) => pointer === path || pointer.startsWith(`${path}/`)))
      return;
    const value = pick(shown);
    const seen = truths.map(pick);
    if (!seen.some((truth) => same(truth, value)))
      out.push(
        `${label} shows ${show(value)}, never true in the window (true: ${[...new Set(seen.map(show))].join(' | ')})`,
      );
  };
  const fields = new Set([...Object.keys(shown), ...truths.flatMap((doc) => Object.keys(doc))]);
  for (const field of [...fields].sort()) {
    if (field === 'attributes') continue;
    if (field === 'groups') check('groups', (doc) => asSet(doc.groups));
    else check(field, (doc) => doc[field], `/${field}`);
  }
  const attributes = new Set([shown, ...truths].flatMap((doc) => Object.keys(attributesOf(doc))));
  for (const name of [...attributes].sort())
    check(
      `attribute ${name}`,
      (doc) => attributesOf(doc)[name],
      `/attributes/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
    );
  return out;
}

function attributesOf(doc: JsonObject): Record<string, JsonValue> {
  const value = doc.attributes;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function asSet(value: JsonValue | undefined): JsonValue | undefined {
  if (!Array.isArray(value)) return value;
  return [...new Set(value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))].sort();
}

/**
 * Instants where point-in-time bugs show: on each change, just before and after it, and at the end
 * of its second (where whole-second dates are rounded to), kept inside [from, to].
 */
export function boundaryInstants(times: readonly number[], from: number, to: number): number[] {
  const instants = times.flatMap((t) => [t - 1, t, t + 1, Math.floor(t / 1000) * 1000 + 999]);
  return [...new Set(instants)].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
}
