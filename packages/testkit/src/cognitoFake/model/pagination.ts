import { invalidParameter } from './errors.js';
import type { KeyedCollection } from './keyedCollection.js';

/**
 * Pagination as AWS documents it for Cognito's List operations: the caller's Limit/MaxResults (within
 * the operation's maximum) caps a page, a token comes back only while more items remain, and the
 * token is opaque. Ours carries the last key returned and the listing it belongs to, so a page
 * boundary survives inserts and deletes between calls and a token cannot be replayed elsewhere.
 */
export interface PageRequest {
  /** The listing a token belongs to, e.g. `ListUsers:us-east-1_abc`. */
  readonly scope: string;
  readonly limit: number | undefined;
  readonly token: string | undefined;
  /** The fake's configured page size (60 like AWS, or small in tests). */
  readonly pageSize: number;
}

export interface PageResult<T> {
  items: T[];
  token: string | undefined;
}

export function encodeToken(scope: string, lastKey: string): string {
  return Buffer.from(JSON.stringify({ s: scope, k: lastKey }), 'utf8').toString('base64url');
}

export function decodeToken(scope: string, token: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null) {
      const { s, k } = decoded as { s?: unknown; k?: unknown };
      if (s === scope && typeof k === 'string') return k;
    }
  } catch {
    // fall through: any token we did not issue for this listing is invalid
  }
  throw invalidParameter('Invalid pagination token.');
}

export function pageOf<T>(
  collection: KeyedCollection<T>,
  request: PageRequest,
  keep?: (item: T) => boolean,
): PageResult<T> {
  const size = Math.max(1, Math.min(request.limit || request.pageSize, request.pageSize));
  const after = request.token === undefined ? undefined : decodeToken(request.scope, request.token);
  const { items, more } = collection.pageAfter(after, size, keep);
  const last = items[items.length - 1];
  return {
    items: items.map((item) => item.value),
    token: more && last !== undefined ? encodeToken(request.scope, last.key) : undefined,
  };
}
