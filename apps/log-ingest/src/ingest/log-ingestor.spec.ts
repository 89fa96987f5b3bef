import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import type { BuildLogLine, LogStore } from '@deploysphere/logs';
import { IngestorClosedError, LogIngestor } from './log-ingestor';

const DEP = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const line = (seq: number, message = `line ${seq}`): BuildLogLine => ({ deploymentId: DEP, seq, ts: new Date(1_700_000_000_000).toISOString(), stream: 'stdout', message });

/** Records inserts; `fail` decides per call whether the store refuses. */
class FakeStore {
  inserts: BuildLogLine[][] = [];
  access: AccessLogRecordV1[][] = [];
  fail: (rows: BuildLogLine[]) => boolean = () => false;
  reachable = true;
  async insertBuildLines(rows: BuildLogLine[]) {
    if (this.fail(rows)) throw new Error('refused');
    this.inserts.push([...rows]);
  }
  async insertAccessRecords(rows: AccessLogRecordV1[]) {
    this.access.push([...rows]);
  }
  async ping() {
    if (!this.reachable) throw new Error('down');
  }
  get stored() {
    return this.inserts.flat().map((l) => l.seq);
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function setup(options: Partial<ConstructorParameters<typeof LogIngestor>[1]> = {}) {
  const store = new FakeStore();
  const ingestor = new LogIngestor(store as unknown as LogStore, { maxRows: 10, maxAgeMs: 50, retryBaseMs: 5, retryMaxMs: 20, ...options });
  const acked: number[] = [];
  const deliver = (from: number, to: number) =>
    ingestor.add({ build: Array.from({ length: to - from + 1 }, (_, i) => line(from + i)), access: [], ack: () => acked.push(to) });
  return { store, ingestor, acked, deliver };
}

describe('LogIngestor', () => {
  it('inserts a batch as soon as it holds maxRows, and acks its deliveries after the insert', async () => {
    const { store, ingestor, acked, deliver } = setup();
    await deliver(1, 4);
    await deliver(5, 10);
    await ingestor.flush();
    expect(store.inserts.map((b) => b.length)).toEqual([10]);
    expect(acked).toEqual([4, 10]);
  });

  it('spreads a delivery larger than maxRows over batches and acks it with its last rows', async () => {
    const { store, ingestor, acked, deliver } = setup();
    await deliver(1, 25);
    await ingestor.flush();
    expect(store.inserts.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(acked).toEqual([25]);
  });

  it('acks an empty delivery (only malformed messages) in order with the others', async () => {
    const { ingestor, acked, deliver } = setup();
    await deliver(1, 2);
    await ingestor.add({ build: [], access: [], ack: () => acked.push(-1) });
    await ingestor.flush();
    expect(acked).toEqual([2, -1]);
  });

  it('inserts a smaller batch once its first row is maxAgeMs old', async () => {
    const { store, acked, deliver } = setup({ maxAgeMs: 30 });
    await deliver(1, 3);
    await tick(10);
    expect(store.inserts).toEqual([]);
    await tick(60);
    expect(store.stored).toEqual([1, 2, 3]);
    expect(acked).toEqual([3]);
  });

  it('retries a failed insert and acks nothing until it is stored', async () => {
    const { store, ingestor, acked, deliver } = setup({ isolateAfterAttempts: 100 });
    let failures = 3;
    store.fail = () => failures-- > 0;
    await deliver(1, 10);
    await tick(5);
    expect(acked).toEqual([]);
    await ingestor.flush();
    expect(store.stored).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(acked).toEqual([10]);
    expect(ingestor.getStats()).toMatchObject({ failedAttempts: 3, batches: 1, pendingRows: 0 });
  });

  it('makes the producer wait when too many rows wait for the store (backpressure)', async () => {
    const { store, ingestor, deliver } = setup({ maxPendingRows: 20, isolateAfterAttempts: 100 });
    store.reachable = false;
    store.fail = () => !store.reachable;
    await deliver(1, 10);
    await deliver(11, 20);
    let third = false;
    const blocked = deliver(21, 30).then(() => (third = true));
    await tick(30);
    expect(third).toBe(false);
    store.reachable = true;
    await blocked;
    await ingestor.flush();
    expect(store.stored).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('isolates rows the store refuses while it is up, stores the rest', async () => {
    const { store, ingestor, acked, deliver } = setup({ isolateAfterAttempts: 2 });
    store.fail = (rows) => rows.some((l) => l.seq === 7);
    await deliver(1, 10);
    await ingestor.flush();
    expect(store.stored.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
    expect(ingestor.getStats().rejectedRows).toBe(1);
    expect(acked).toEqual([10]);
  });

  it('never drops rows while the store is down', async () => {
    const { store, ingestor, acked, deliver } = setup({ isolateAfterAttempts: 1 });
    store.reachable = false;
    store.fail = () => !store.reachable;
    await deliver(1, 10);
    await tick(60);
    expect(ingestor.getStats().rejectedRows).toBe(0);
    expect(acked).toEqual([]);
    store.reachable = true;
    await ingestor.flush();
    expect(store.stored).toHaveLength(10);
  });

  it('on close stores what it holds, then refuses more; unstored rows stay un-acked', async () => {
    const { store, ingestor, acked, deliver } = setup();
    await deliver(1, 3);
    await ingestor.close();
    expect(store.stored).toEqual([1, 2, 3]);
    expect(acked).toEqual([3]);
    await expect(deliver(4, 5)).rejects.toThrow(IngestorClosedError);

    const down = setup();
    down.store.fail = () => true;
    down.store.reachable = false;
    await down.deliver(1, 3);
    await down.ingestor.close(50);
    expect(down.acked).toEqual([]);
  });
});
