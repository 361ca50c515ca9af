import {
  type ChangeRecord,
  type EntityEntry,
  entityKey,
  type JsonObject,
  makeRecord,
} from '@cognito-rewind/core';

const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
const GROUPS = ['admins', 'editors', 'viewers', 'billing'];

/** Zero-padded so that key order is numeric order. */
export const username = (i: number): string => `user-${String(i).padStart(7, '0')}`;

/** A realistic user document: email, sub, phone, two custom attributes, one or two groups. */
export function userDoc(i: number, revision = 0): JsonObject {
  // A multiplicative hash spreads the bits, so subs compress like real random UUIDs rather than a counter.
  const hex = (n: number) => (Math.imul(n + 1, 2654435761) >>> 0).toString(16).padStart(8, '0');
  return {
    attributes: {
      'custom:plan': revision === 0 ? 'free' : `plan-${revision}`,
      'custom:tenant': TENANTS[i % TENANTS.length] ?? 'acme',
      email: `${username(i)}@example.com`,
      email_verified: 'true',
      phone_number: `+1555${String(i).padStart(7, '0')}`,
      sub: `${hex(i)}-${hex(i ^ 0x5bd1e995).slice(0, 4)}-4${hex(i * 31).slice(1, 4)}-8${hex(i * 7).slice(1, 4)}-${hex(i * 7919)}${hex(i * 131).slice(0, 4)}`,
    },
    createdAt: '2024-01-01T00:00:00.000Z',
    enabled: true,
    groups: [GROUPS[i % GROUPS.length] ?? 'viewers', ...(i % 3 === 0 ? ['admins'] : [])].sort(),
    modifiedAt: '2024-01-01T00:00:00.000Z',
    status: 'CONFIRMED',
    username: username(i),
  };
}

/** `count` users in key order, as first scanned (version 0). */
export function* syntheticUsers(count: number): Generator<EntityEntry> {
  for (let i = 0; i < count; i++)
    yield { key: entityKey('user', username(i)), version: 0, hash: null, doc: userDoc(i) };
}

/** Where one synthetic user's chain stands: the version and hash of its last record. */
export interface UserHead {
  version: number;
  hash: string | null;
}

/**
 * The next change record of user `i` on `head`: its after-image is `userDoc(i, head.version + 1)`, so
 * the doc at version v is always `userDoc(i, v)`. `head` is advanced to the new record.
 */
export function nextUserRecord(poolId: string, i: number, head: UserHead, when: string): ChangeRecord {
  const record = makeRecord({
    poolId,
    entity: entityKey('user', username(i)),
    head: { version: head.version, hash: head.hash, doc: userDoc(i, head.version) },
    after: userDoc(i, head.version + 1),
    validFrom: when,
    observedAt: when,
    source: 'reconcile',
  });
  head.version = record.version;
  head.hash = record.hash;
  return record;
}

/** Users `0…count-1` as they stand at `heads[i]` (version, hash, doc), in key order. */
export function* usersAt(heads: readonly UserHead[]): Generator<EntityEntry> {
  for (const [i, head] of heads.entries())
    yield {
      key: entityKey('user', username(i)),
      version: head.version,
      hash: head.hash,
      doc: userDoc(i, head.version),
    };
}
