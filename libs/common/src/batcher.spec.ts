import { Batcher } from './batcher';

describe('Batcher', () => {
  it('writes a lone item at once, and items submitted while a batch is written together in the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstWritten = new Promise<void>((r) => (release = r));
    const gc = new Batcher<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstWritten;
      return items.map((i) => i * 10);
    });

    const first = gc.submit(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((i) => gc.submit(i));
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps the batch size', async () => {
    const batches: number[][] = [];
    const gc = new Batcher<number, number>(async (items) => {
      batches.push(items);
      return items;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)))).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('when a batch fails, writes each item on its own so only the bad one fails', async () => {
    const gc = new Batcher<number, string>(async (items) => {
      if (items.includes(2)) throw new Error(`bad batch ${items.join(',')}`);
      return items.map(String);
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => gc.submit(i)));
    expect(results).toEqual([
      { status: 'fulfilled', value: '1' },
      { status: 'rejected', reason: new Error('bad batch 2') },
      { status: 'fulfilled', value: '3' },
    ]);
    // And it keeps working afterwards.
    expect(await gc.submit(4)).toBe('4');
  });
});
