/**
 * A Map that can also be walked in key order from any key onwards. The sorted key list is rebuilt
 * lazily after an insert or delete, so a pool seeded with 100,000 users sorts once, and each page
 * of a listing is a binary search plus a slice.
 */
export class KeyedCollection<T> {
  private readonly items = new Map<string, T>();
  private sorted: string[] | undefined;

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  set(key: string, value: T): void {
    if (!this.items.has(key)) this.sorted = undefined;
    this.items.set(key, value);
  }

  delete(key: string): boolean {
    const deleted = this.items.delete(key);
    if (deleted) this.sorted = undefined;
    return deleted;
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /**
   * Up to `limit` items whose key sorts strictly after `after` (from the start when undefined) and
   * that pass `keep`, plus whether any further item passes.
   */
  pageAfter(
    after: string | undefined,
    limit: number,
    keep: (item: T) => boolean = () => true,
  ): { items: { key: string; value: T }[]; more: boolean } {
    const keys = this.sortedKeys();
    const items: { key: string; value: T }[] = [];
    for (let i = after === undefined ? 0 : firstAfter(keys, after); i < keys.length; i++) {
      const key = keys[i];
      const value = key === undefined ? undefined : this.items.get(key);
      if (key === undefined || value === undefined || !keep(value)) continue;
      if (items.length === limit) return { items, more: true };
      items.push({ key, value });
    }
    return { items, more: false };
  }

  private sortedKeys(): string[] {
    // Plain code-unit order: deterministic, and the same for any locale.
    this.sorted ??= [...this.items.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sorted;
  }
}

/** Index of the first key strictly greater than `after`. */
function firstAfter(keys: readonly string[], after: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const key = keys[mid];
    if (key !== undefined && key <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
