import { createdAtOf } from '../../changes/entityDates.js';
import type { EntityKey } from '../../model/entityKey.js';
import { deepEqual, type JsonObject } from '../../model/json.js';
import type { SubLedgerEntry } from '../journal/restoreJournal.js';
import { idOf, keysOf } from './planContext.js';
import { writableAttributes } from './writableView.js';

/**
 * Who a live user is. A user is its `sub` and creation date, not its name: a live user that holds the
 * name of a user at T with another sub or creation date is another person (an attacker who deleted
 * bob and made a "bob" of their own), never updated into the old one. The users this restore itself
 * re-created have a new sub too: its journal vouches for them (the sub ledger of earlier runs), and a
 * creation whose answer was lost is recognised by what it left behind.
 */

/** What earlier restores did to users, from their journals. */
export interface RecreatedUsers {
  /**
   * Sub ledgers of this restore's earlier runs and of other restores of the pool: each user they
   * re-created, its new sub and, where Cognito named it, its new name.
   */
  ledger: readonly SubLedgerEntry[];
  /** Usernames at T whose AdminCreateUser was sent and never answered (cut off, timed out, failed). */
  unanswered: readonly string[];
}

export type UserMatch =
  /** Not live: to be created. `heldBy`: the live user holding the address it would be created with. */
  | { kind: 'absent'; heldBy?: EntityKey }
  /** The same user (or one this restore re-created), live under `liveKey`. */
  | { kind: 'same'; liveKey: EntityKey; live: JsonObject }
  /** Created by an earlier run that never heard back: recorded in the ledger, then restored in place. */
  | { kind: 'adopted'; liveKey: EntityKey; live: JsonObject }
  /** Another person under the same name: why says how they differ. */
  | { kind: 'impostor'; liveKey: EntityKey; live: JsonObject; why: string };

export interface UserMatching {
  /** By the key of each user at T. */
  matches: Map<EntityKey, UserMatch>;
  /** Live keys other than their own that users at T were matched to (not "created after T"). */
  claimed: Set<EntityKey>;
}

export interface MatchOptions {
  recreated?: RecreatedUsers;
  /** Whether subs and creation dates can be compared: only in the pool state(T) was read from. */
  checkIdentity: boolean;
  /** The target pool's `UsernameAttributes` (email and/or phone_number as username). */
  usernameAttributes: readonly string[];
}

const attributesOf = (doc: JsonObject | undefined) =>
  (doc?.attributes ?? {}) as Record<string, string | undefined>;
const subOf = (doc: JsonObject | undefined) => attributesOf(doc).sub || undefined;

/**
 * The Username AdminCreateUser takes for this user: its name, or in a pool with email or phone as
 * username its email address (or phone number), from which Cognito generates the name.
 */
export function creationName(
  doc: JsonObject,
  usernameAttributes: readonly string[],
): { username: string; address?: string } {
  for (const attribute of ['email', 'phone_number'])
    if (usernameAttributes.includes(attribute) && attributesOf(doc)[attribute])
      return { username: String(attributesOf(doc)[attribute]), address: attribute };
  return { username: String(doc.username ?? '') };
}

/** How the live user differs from the user at T in what makes a user itself, or undefined: the same. */
export function identityDifference(atT: JsonObject, live: JsonObject): string | undefined {
  const differences: string[] = [];
  const [subAtT, subNow] = [subOf(atT), subOf(live)];
  if (subAtT !== undefined && subNow !== undefined && subAtT !== subNow)
    differences.push(`sub ${subAtT} at T, ${subNow} now`);
  const [createdAtT, createdNow] = [createdAtOf(atT), createdAtOf(live)];
  if (createdAtT !== undefined && createdNow !== undefined && createdAtT !== createdNow)
    differences.push(`created ${createdAtT} at T, ${createdNow} now`);
  return differences.length > 0 ? differences.join('; ') : undefined;
}

/**
 * What an AdminCreateUser of this restore leaves behind, untouched since: a user with no password yet,
 * enabled, in no group, with exactly the attributes of the user at T it was sent.
 */
function leftByOurCreation(atT: JsonObject, live: JsonObject): boolean {
  return (
    live.status === 'FORCE_CHANGE_PASSWORD' &&
    live.enabled !== false &&
    ((live.groups as string[] | undefined) ?? []).length === 0 &&
    deepEqual(writableAttributes(live), writableAttributes(atT))
  );
}

export function matchUsers(
  target: ReadonlyMap<EntityKey, JsonObject>,
  live: ReadonlyMap<EntityKey, JsonObject>,
  options: MatchOptions,
): UserMatching {
  const matching: UserMatching = { matches: new Map(), claimed: new Set() };
  const ledger = options.recreated?.ledger ?? [];
  const context: MatchContext = {
    live,
    options,
    successors: group(ledger, (e) => e.oldSub),
    byName: group(ledger, (e) => e.username),
    liveBySub: new Map(keysOf(live, 'user').map((k) => [subOf(live.get(k)) ?? '', k] as const)),
    unanswered: new Set(options.recreated?.unanswered ?? []),
    holders: addressHolders(live, options.usernameAttributes),
    claimed: matching.claimed,
  };
  for (const key of keysOf(target, 'user')) {
    const match = matchOne(key, target.get(key) as JsonObject, context);
    matching.matches.set(key, match);
    if ('liveKey' in match && match.liveKey !== key) matching.claimed.add(match.liveKey);
  }
  return matching;
}

interface MatchContext {
  live: ReadonlyMap<EntityKey, JsonObject>;
  options: MatchOptions;
  /** Ledger entries by old sub, and by username at T. */
  successors: ReadonlyMap<string, SubLedgerEntry[]>;
  byName: ReadonlyMap<string, SubLedgerEntry[]>;
  liveBySub: ReadonlyMap<string, EntityKey>;
  unanswered: ReadonlySet<string>;
  holders: ReadonlyMap<string, EntityKey>;
  claimed: ReadonlySet<EntityKey>;
}

function group<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

function matchOne(key: EntityKey, atT: JsonObject, context: MatchContext): UserMatch {
  const { live, options } = context;
  const mine = recreatedAs(key, atT, context);
  if (mine !== undefined && !context.claimed.has(mine))
    return { kind: 'same', liveKey: mine, live: live.get(mine) as JsonObject };
  const unanswered = context.unanswered.has(idOf(key));
  const now = live.get(key);
  if (now === undefined) {
    const holder = holderOf(atT, context.holders, options.usernameAttributes);
    return absent(
      atT,
      holder === undefined || context.claimed.has(holder) ? undefined : holder,
      live,
      unanswered,
    );
  }
  // Into another pool every user has another sub: there the name is all a restore can go by.
  const why = options.checkIdentity ? identityDifference(atT, now) : undefined;
  const maybeOurs = why !== undefined || !options.checkIdentity;
  if (maybeOurs && unanswered && leftByOurCreation(atT, now))
    return { kind: 'adopted', liveKey: key, live: now };
  if (why === undefined) return { kind: 'same', liveKey: key, live: now };
  return { kind: 'impostor', liveKey: key, live: now, why };
}

/**
 * The live user a restore re-created for this user at T, if any: the sub ledgers lead from its sub
 * at T (through every re-creation since) to a live sub, under whatever name it has now (Cognito's
 * own, where email or phone is the username). Without a recorded sub, the ledger entry of its name.
 */
function recreatedAs(key: EntityKey, atT: JsonObject, context: MatchContext): EntityKey | undefined {
  const sub = subOf(atT);
  if (sub !== undefined) return liveSuccessor(sub, context);
  const named = (context.byName.get(idOf(key)) ?? []).map((e) => context.liveBySub.get(e.newSub));
  return named.find((found) => found !== undefined);
}

/** The first live user found along the re-creations of a sub, breadth first. */
function liveSuccessor(sub: string, context: MatchContext): EntityKey | undefined {
  const seen = new Set([sub]);
  const queue = [sub];
  for (let next = queue.shift(); next !== undefined; next = queue.shift())
    for (const { newSub } of context.successors.get(next) ?? []) {
      const found = context.liveBySub.get(newSub);
      if (found !== undefined) return found;
      if (!seen.has(newSub)) queue.push(newSub);
      seen.add(newSub);
    }
  return undefined;
}

/** Live users by the address (`email:…`, `phone_number:…`) a pool with email or phone as username keeps unique. */
function addressHolders(
  live: ReadonlyMap<EntityKey, JsonObject>,
  usernameAttributes: readonly string[],
): Map<string, EntityKey> {
  const holders = new Map<string, EntityKey>();
  if (usernameAttributes.length === 0) return holders;
  for (const key of keysOf(live, 'user'))
    for (const attribute of usernameAttributes) {
      const value = attributesOf(live.get(key))[attribute];
      if (value) holders.set(`${attribute}:${value}`, key);
    }
  return holders;
}

function holderOf(
  atT: JsonObject,
  holders: ReadonlyMap<string, EntityKey>,
  usernameAttributes: readonly string[],
): EntityKey | undefined {
  const { username, address } = creationName(atT, usernameAttributes);
  return address === undefined ? undefined : holders.get(`${address}:${username}`);
}

/**
 * A user at T not live under its name. In a pool with email or phone as username an unanswered
 * creation is found by its address (`holder`: the live user holding it); anyone else holding that
 * address stands in the way of the creation.
 */
function absent(
  atT: JsonObject,
  holder: EntityKey | undefined,
  live: ReadonlyMap<EntityKey, JsonObject>,
  unanswered: boolean,
): UserMatch {
  if (holder === undefined) return { kind: 'absent' };
  const doc = live.get(holder) as JsonObject;
  if (unanswered && leftByOurCreation(atT, doc)) return { kind: 'adopted', liveKey: holder, live: doc };
  return { kind: 'absent', heldBy: holder };
}
