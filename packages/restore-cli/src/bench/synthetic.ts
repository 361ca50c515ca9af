import { type EntityEntry, entityKey, type JsonObject } from '@cognito-rewind/core';

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
