import { InvalidInputError } from '../errors.js';
import { type EntityKey, entityKey } from '../model/entityKey.js';
import { recordedEntities } from '../replay/recordedEntities.js';
import type { StateAtDeps } from '../replay/stateAt.js';

/** A Cognito `sub`: a UUID. Only such a value is looked up as a sub. */
const SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The entity key of `--user <username or sub>`: the user's own history first (one Query); then, for a
 * value shaped like a sub, the user whose `sub` it is in the recorded state at `now` (the newest
 * snapshot and the records since); then, for a user deleted since, the records that knew that sub.
 * Usernames can look like subs (pools that sign in by email use the sub as username), hence the order.
 * A user none of these knows is `InvalidInputError`: a typo should not read as "nothing happened".
 */
export async function resolveUser(
  deps: StateAtDeps,
  poolId: string,
  value: string,
  now: Date,
): Promise<EntityKey> {
  const name = value.trim();
  if (name === '') throw new InvalidInputError('--user needs a username or a sub');
  const key = entityKey('user', name);
  if ((await deps.changeLog.head(poolId, key)) !== undefined) return key;
  if (SUB.test(name)) {
    const found = (await bySubNow(deps, poolId, name, now)) ?? (await bySubInRecords(deps, poolId, name));
    if (found !== undefined) return found;
  }
  throw new InvalidInputError(
    `--user ${value}: no user with that username${SUB.test(name) ? ' or sub' : ''} is recorded in ${poolId}`,
  );
}

async function bySubNow(deps: StateAtDeps, poolId: string, sub: string, now: Date) {
  for await (const { key, doc } of await recordedEntities(deps, poolId, now.toISOString())) {
    if (!key.startsWith('user:')) continue;
    if ((doc.attributes as Record<string, unknown> | undefined)?.sub === sub) return key;
  }
  return undefined;
}

async function bySubInRecords(deps: StateAtDeps, poolId: string, sub: string) {
  for await (const record of deps.changeLog.timeline(poolId)) {
    if (!record.entity.startsWith('user:')) continue;
    const attributes = record.after?.attributes as Record<string, unknown> | undefined;
    if (record.event?.subjectSub === sub || attributes?.sub === sub) return record.entity;
  }
  return undefined;
}
