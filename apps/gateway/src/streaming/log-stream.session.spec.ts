import type { DeploymentStatusName } from '@deploysphere/contracts';
import { InMemoryLiveLogBus, type LiveLogBus, type LogLine, type LogStore } from '@deploysphere/logs';
import { LogStreamSession, type SessionOptions, type SessionSink } from './log-stream.session';

const DEP = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';

const line = (seq: number): LogLine => ({ seq, ts: new Date(1_700_000_000_000 + seq).toISOString(), stream: 'stdout', message: `line ${seq}` });
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));

/** A store holding lines [1, upTo]; `onRead` runs inside each read (to publish meanwhile). */
function fakeStore(upTo: () => number, onRead?: () => Promise<void>): LogStore {
  return {
    name: 'fake',
    readBuildLines: async (_id: string, fromSeq: number, limit: number) => {
      await onRead?.();
      const end = Math.min(upTo(), fromSeq + limit - 1);
      return end >= fromSeq ? lines(fromSeq, end) : [];
    },
  } as unknown as LogStore;
}

class ArraySink implements SessionSink {
  received: LogLine[] = [];
  gaps: [number, number][] = [];
  ended?: { lastSeq: number; status: DeploymentStatusName };
  overflowed?: number;
  failure?: string;
  bufferedBytes = 0;
  lines(l: LogLine[]) {
    this.received.push(...l);
  }
  gap(a: number, b: number) {
    this.gaps.push([a, b]);
  }
  end(lastSeq: number, status: DeploymentStatusName) {
    this.ended = { lastSeq, status };
  }
  buffered() {
    return this.bufferedBytes;
  }
  async waitBelow(bytes: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (this.bufferedBytes > bytes) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }
  overflow(b: number) {
    this.overflowed = b;
  }
  failed(m: string) {
    this.failure = m;
  }
  seqs() {
    return this.received.map((l) => l.seq);
  }
}

const OPTIONS: SessionOptions = { pageSize: 50, bufferMax: 1_000_000, maxPendingLines: 10_000, stallTimeoutMs: 200, storeLagRetries: 2, storeLagDelayMs: 5, endWaitMs: 100 };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const until = async (cond: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

async function open(bus: LiveLogBus, store: LogStore, fromSeq = 1, status: DeploymentStatusName = 'BUILDING', options = OPTIONS) {
  const sink = new ArraySink();
  const session = new LogStreamSession(DEP, fromSeq, status, bus, store, sink, options);
  await session.subscribe();
  session.begin();
  return { sink, session };
}

describe('LogStreamSession', () => {
  let bus: InMemoryLiveLogBus;
  beforeEach(() => (bus = new InMemoryLiveLogBus({ maxLines: 100, ttlSeconds: 3600 })));
  afterEach(() => bus.close());

  it('sends the backlog from the live buffer, then live lines, each once and in order', async () => {
    await bus.publish(DEP, lines(1, 30));
    const { sink, session } = await open(bus, fakeStore(() => 0));
    await session.settled();
    await bus.publish(DEP, lines(31, 40));
    expect(sink.seqs()).toEqual(range(1, 40));
  });

  it('starts at fromSeq', async () => {
    await bus.publish(DEP, lines(1, 30));
    const { sink, session } = await open(bus, fakeStore(() => 0), 25);
    await session.settled();
    await bus.publish(DEP, lines(31, 32));
    expect(sink.seqs()).toEqual(range(25, 32));
  });

  it('reads what the live buffer no longer holds from the store, then the buffer', async () => {
    // The buffer keeps the last 100 (trimmed in chunks); the store has everything.
    await bus.publish(DEP, lines(1, 400));
    const { sink, session } = await open(bus, fakeStore(() => 400));
    await session.settled();
    expect(sink.seqs()).toEqual(range(1, 400));
    expect(sink.gaps).toEqual([]);
  });

  it('has no gap and no duplicate when lines are produced while the backlog is read', async () => {
    let next = 1;
    const produce = async (n: number) => {
      const first = next;
      next += n;
      await bus.publish(DEP, lines(first, first + n - 1));
    };
    // The store is what log-ingest already stored: everything published so far. Each store read
    // lets the build write more lines before it answers.
    await produce(300);
    const { sink, session } = await open(bus, fakeStore(() => next - 1, () => produce(7)));
    for (let i = 0; i < 20; i++) {
      await produce(3);
      await new Promise((r) => setImmediate(r));
    }
    await session.settled();
    await produce(5);
    expect(sink.seqs()).toEqual(range(1, next - 1));
  });

  it('repairs a line missing on the live channel from the buffer', async () => {
    const { sink, session } = await open(bus, fakeStore(() => 0));
    await session.settled();
    await bus.publish(DEP, lines(1, 3));
    // Line 4 reaches the buffer but its message is lost (e.g. during a reconnect):
    const listeners = (bus as unknown as { channels: Map<string, { listeners: Set<unknown> }> }).channels.get(DEP)!.listeners;
    const saved = [...listeners];
    listeners.clear();
    await bus.publish(DEP, [line(4)]);
    saved.forEach((l) => listeners.add(l));
    await bus.publish(DEP, lines(5, 6));
    await until(() => sink.received.length === 6);
    expect(sink.seqs()).toEqual(range(1, 6));
  });

  it('ends after the last line once the channel ends, with the final status', async () => {
    await bus.publish(DEP, lines(1, 10));
    const { sink, session } = await open(bus, fakeStore(() => 0));
    await session.settled();
    await bus.end(DEP, 'READY');
    expect(sink.seqs()).toEqual(range(1, 10));
    expect(sink.ended).toEqual({ lastSeq: 10, status: 'READY' });
  });

  it('ends right after the backlog when the deployment had already finished', async () => {
    await bus.publish(DEP, lines(1, 5));
    await bus.end(DEP, 'FAILED');
    const { sink, session } = await open(bus, fakeStore(() => 5));
    await session.settled();
    expect(sink.seqs()).toEqual(range(1, 5));
    expect(sink.ended).toEqual({ lastSeq: 5, status: 'FAILED' });
  });

  it('ends from the store alone for an old, finished deployment (live buffer expired)', async () => {
    const { sink, session } = await open(bus, fakeStore(() => 120), 1, 'READY');
    await session.settled();
    expect(sink.seqs()).toEqual(range(1, 120));
    expect(sink.ended).toEqual({ lastSeq: 120, status: 'READY' });
  });

  it('waits for the store to catch up, then reports lines that exist nowhere as a gap', async () => {
    // The buffer holds 201..300 only; the store has nothing yet and never gets 1..200.
    bus = new InMemoryLiveLogBus({ maxLines: 100, ttlSeconds: 3600 });
    await bus.publish(DEP, lines(1, 300));
    const { sink, session } = await open(bus, fakeStore(() => 0));
    await session.settled();
    expect(sink.gaps.length).toBe(1);
    const [from, to] = sink.gaps[0];
    expect(from).toBe(1);
    expect(sink.seqs()).toEqual(range(to + 1, 300));
  });

  it('waits for the end of a finished deployment whose channel is still in use, and ends anyway after endWaitMs', async () => {
    await bus.publish(DEP, lines(1, 3));
    const { sink, session } = await open(bus, fakeStore(() => 0), 1, 'READY');
    await session.settled();
    expect(sink.ended).toBeUndefined();
    // The orchestrator's last line, then its end:
    await bus.publish(DEP, [line(4)]);
    await bus.end(DEP, 'READY');
    expect(sink.seqs()).toEqual([1, 2, 3, 4]);
    expect(sink.ended).toEqual({ lastSeq: 4, status: 'READY' });

    const other = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2y';
    await bus.publish(other, lines(1, 2));
    const lonely = new ArraySink();
    const waiting = new LogStreamSession(other, 1, 'FAILED', bus, fakeStore(() => 0), lonely, OPTIONS);
    await waiting.subscribe();
    waiting.begin();
    await until(() => lonely.ended !== undefined);
    expect(lonely.ended).toEqual({ lastSeq: 2, status: 'FAILED' });
  });

  it('disconnects a client whose buffer is over the cap on a live line', async () => {
    const { sink, session } = await open(bus, fakeStore(() => 0), 1, 'BUILDING', { ...OPTIONS, bufferMax: 1000 });
    await session.settled();
    sink.bufferedBytes = 5000;
    await bus.publish(DEP, lines(1, 2));
    expect(sink.overflowed).toBe(5000);
    expect(sink.received).toEqual([]);
  });

  it('paces the backlog by the client buffer and gives up on a stalled client', async () => {
    await bus.publish(DEP, lines(1, 90));
    const sink = new ArraySink();
    sink.bufferedBytes = 700;
    const session = new LogStreamSession(DEP, 1, 'BUILDING', bus, fakeStore(() => 0), sink, { ...OPTIONS, bufferMax: 1000 });
    await session.subscribe();
    session.begin();
    await session.settled();
    // One page went out, then it waited for the buffer to drain, which never happened.
    expect(sink.seqs()).toEqual(range(1, 50));
    expect(sink.overflowed).toBe(700);
  });

  it('stops sending after close', async () => {
    const { sink, session } = await open(bus, fakeStore(() => 0));
    await session.settled();
    await session.close();
    await bus.publish(DEP, lines(1, 3));
    expect(sink.received).toEqual([]);
  });
});
