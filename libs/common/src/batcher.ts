/**
 * Group commit (or batched reads): items submitted while a batch is being written wait and go
 * together in the next one, so N concurrent callers cost about one statement per round trip
 * instead of N. An item submitted to an idle batcher goes at once (on the next turn of the event
 * loop, with whatever else was submitted in the same turn), so a lone caller waits for nothing.
 *
 * `write` gets the items of a batch (at most `maxBatch`) and returns one result per item, in
 * order. When a batch of several fails, each of its items is written again on its own, so one
 * bad item fails only its own submitter.
 */
export class Batcher<I, R> {
  private queue: Array<{ item: I; resolve: (r: R) => void; reject: (err: unknown) => void }> = [];
  private draining = false;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 100,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          if (batch.length === 1) batch[0].reject(err);
          else await Promise.all(batch.map((b) => this.write([b.item]).then(([r]) => b.resolve(r), b.reject)));
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
