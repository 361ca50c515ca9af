import { RewindError } from '../../errors.js';
import type { RawRecord } from '../../model/raw.js';

export interface Page<T> {
  items: readonly T[] | undefined;
  next: string | undefined;
}

/**
 * Yields every item of a paged Cognito listing, following the token until the service stops
 * returning one. A token handed back twice in a row would loop forever, so it is refused.
 */
export async function* paginate<T>(
  operation: string,
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
): AsyncIterable<T> {
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    yield* page.items ?? [];
    if (page.next !== undefined && page.next === token) {
      throw new RewindError(`${operation} returned the same pagination token twice; stopping`);
    }
    token = page.next === '' ? undefined : page.next;
  } while (token !== undefined);
}

/** An SDK output as plain data: the response `$metadata` goes, Dates stay Dates. */
export function plain(output: object): RawRecord {
  const { $metadata: _metadata, ...rest } = output as RawRecord;
  return rest;
}
