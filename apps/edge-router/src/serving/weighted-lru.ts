/** Something an LRU can account for: bytes, file entries… */
export interface Weighted {
  weight: number;
  /** Bookkeeping of the LRU: when the entry last moved to the young end. */
  touched: number;
}

/**
 * LRU bounded by the total weight of its entries. A `Map` keeps insertion order, so a hit is
 * re-inserted at the end and eviction takes from the front: O(1), no linked list to allocate.
 * A hit on an entry that is already in the younger half (fewer than size/2 moves since it
 * last moved) is not moved again: it cannot be evicted before the older half, and the hot path
 * of a busy cache then costs one `Map.get`.
 */
export class WeightedLru<K, V extends Weighted> {
  private readonly map = new Map<K, V>();
  private total = 0;
  private tick = 0;
  evictions = 0;

  constructor(readonly maxWeight: number) {}

  get size(): number {
    return this.map.size;
  }

  get weight(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    const moves = this.tick - value.touched;
    if (moves > 0 && moves >= this.map.size >>> 1) {
      this.map.delete(key);
      this.map.set(key, value);
      value.touched = ++this.tick;
    }
    return value;
  }

  /** Adds or replaces an entry; returns false (and keeps nothing) when it alone exceeds the bound. */
  set(key: K, value: V): boolean {
    this.delete(key);
    if (value.weight > this.maxWeight) return false;
    this.map.set(key, value);
    value.touched = ++this.tick;
    this.total += value.weight;
    this.evict(key);
    return true;
  }

  /** Accounts for an entry that grew in place (e.g. a compressed variant was added). */
  grew(key: K, delta: number): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    value.weight += delta;
    this.total += delta;
    this.evict(key);
  }

  delete(key: K): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.total -= value.weight;
  }

  /** Evicts least-recently-used entries until under the bound, sparing `keep` unless it is alone. */
  private evict(keep: K): void {
    for (const [key, value] of this.map) {
      if (this.total <= this.maxWeight) return;
      if (key === keep && this.map.size > 1) continue;
      this.map.delete(key);
      this.total -= value.weight;
      this.evictions++;
    }
  }
}
