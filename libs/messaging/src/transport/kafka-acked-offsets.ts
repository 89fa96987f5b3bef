export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read: the last acked offset + 1. */
  offset: string;
}

interface Run {
  next: bigint;
  acked: boolean;
}

interface PartitionRuns {
  topic: string;
  partition: number;
  runs: Run[];
}

/**
 * What a batch subscription may commit: batches are registered as they are delivered and acked
 * whenever their consumer has stored them, possibly out of order; the committable offset of a
 * partition only ever covers a contiguous prefix of what was delivered. One commit is in flight at
 * a time, carrying the newest committable offset of every partition (acks coalesce).
 *
 * A rebalance (`reset`) drops what is pending: the partition's new owner reads from the last
 * commit, so an ack that arrives later for a batch of the old assignment is ignored.
 */
export class AckedOffsets {
  private generation = 0;
  private readonly pending = new Map<string, PartitionRuns>();
  private readonly committable = new Map<string, PartitionOffset>();
  private committing?: Promise<void>;

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly onCommitError: (err: unknown, offsets: PartitionOffset[]) => void,
  ) {}

  /** Registers a delivered batch ending at `lastOffset`; returns its ack and a way to forget it (its handler threw: it will be fetched again). */
  delivered(topic: string, partition: number, lastOffset: string): { ack: () => void; forget: () => void } {
    const key = `${topic}:${partition}`;
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { topic, partition, runs: [] }));
    const run: Run = { next: BigInt(lastOffset) + 1n, acked: false };
    p.runs.push(run);
    const generation = this.generation;
    const runs = p;
    return {
      ack: () => {
        if (generation !== this.generation || run.acked) return;
        run.acked = true;
        this.advance(key, runs);
      },
      forget: () => {
        if (generation !== this.generation) return;
        const i = runs.runs.indexOf(run);
        if (i >= 0) runs.runs.splice(i, 1);
        this.advance(key, runs);
      },
    };
  }

  reset(): void {
    this.generation++;
    this.pending.clear();
  }

  /** Resolves once every ack so far is committed (or its commit failed). */
  async flush(): Promise<void> {
    while (this.committing) await this.committing;
  }

  private advance(key: string, p: PartitionRuns): void {
    let next: bigint | undefined;
    while (p.runs.length > 0 && p.runs[0].acked) next = p.runs.shift()!.next;
    if (next === undefined) return;
    this.committable.set(key, { topic: p.topic, partition: p.partition, offset: next.toString() });
    this.committing ??= this.commitLoop().finally(() => (this.committing = undefined));
  }

  private async commitLoop(): Promise<void> {
    while (this.committable.size > 0) {
      const offsets = [...this.committable.values()];
      this.committable.clear();
      try {
        await this.commit(offsets);
      } catch (err) {
        // Usually a rebalance: the partition's new owner reads from the last commit and the
        // consumer drops what it already has (consumers are idempotent).
        this.onCommitError(err, offsets);
      }
    }
  }
}
