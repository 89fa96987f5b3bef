import { WeightedLru } from './weighted-lru';

const item = (weight: number) => ({ weight, touched: 0 });

describe('WeightedLru', () => {
  it('evicts the least recently used entries to stay within its weight', () => {
    const lru = new WeightedLru<string, { weight: number; touched: number }>(10);
    lru.set('a', item(4));
    lru.set('b', item(4));
    lru.get('a'); // a is now the most recent
    lru.set('c', item(4));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.get('c')).toBeDefined();
    expect(lru.weight).toBe(8);
    expect(lru.evictions).toBe(1);
  });

  it('refuses an entry heavier than the whole bound', () => {
    const lru = new WeightedLru<string, { weight: number; touched: number }>(10);
    expect(lru.set('huge', item(11))).toBe(false);
    expect(lru.size).toBe(0);
  });

  it('accounts for growth in place and evicts others first', () => {
    const lru = new WeightedLru<string, { weight: number; touched: number }>(10);
    lru.set('a', item(4));
    lru.set('b', item(4));
    lru.grew('b', 4);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')?.weight).toBe(8);
    expect(lru.weight).toBe(8);
  });

  it('evicts the least recently used of many entries', () => {
    const lru = new WeightedLru<number, { weight: number; touched: number }>(100);
    for (let i = 0; i < 100; i++) lru.set(i, item(1));
    for (let round = 0; round < 3; round++) for (let i = 0; i < 10; i++) lru.get(i); // 0-9 are hot
    for (let i = 100; i < 150; i++) lru.set(i, item(1));
    for (let i = 0; i < 10; i++) expect(lru.get(i)).toBeDefined();
    for (let i = 10; i < 60; i++) expect(lru.get(i)).toBeUndefined();
    expect(lru.size).toBe(100);
  });

  it('replaces an entry without counting it twice', () => {
    const lru = new WeightedLru<string, { weight: number; touched: number }>(10);
    lru.set('a', item(4));
    lru.set('a', item(5));
    expect(lru.weight).toBe(5);
  });
});
