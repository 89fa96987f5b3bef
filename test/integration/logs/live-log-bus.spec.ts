import { InMemoryLiveLogBus, RedisLiveLogBus, type LiveEvent, type LiveLogBus, type LogLine } from '@deploysphere/logs';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { requireRedis, uniqueName } from '../../support/log-services';

// One behavioural suite for every live channel: in process (embedded) and Redis (distributed).

const newDeployment = () => `dpl_${randomBytes(13).toString('hex').slice(0, 26)}`;
const line = (seq: number): LogLine => ({ seq, ts: new Date(1_764_176_400_000 + seq).toISOString(), stream: seq % 5 === 0 ? 'stderr' : 'stdout', message: `line ${seq} \u2713 "quoted" \\ back` });
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
const until = async (cond: () => boolean, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

interface Harness {
  /** A bus as one process sees it; several calls give several processes' views of one channel. */
  open(options?: { maxLines?: number; connectionName?: string }): Promise<LiveLogBus>;
  close(): Promise<void>;
}

const buses: Record<string, () => Promise<Harness>> = {
  'in-memory': async () => {
    const shared = new InMemoryLiveLogBus({ maxLines: 200, ttlSeconds: 3600 });
    const others: InMemoryLiveLogBus[] = [];
    return {
      open: async (o) => {
        if (!o?.maxLines) return shared;
        const bus = new InMemoryLiveLogBus({ maxLines: o.maxLines, ttlSeconds: 3600 });
        others.push(bus);
        return bus;
      },
      close: async () => {
        await shared.close();
        await Promise.all(others.map((b) => b.close()));
      },
    };
  },
  redis: async () => {
    const url = await requireRedis();
    const keyPrefix = `${uniqueName('test')}:`;
    const opened: RedisLiveLogBus[] = [];
    return {
      open: async (o) => {
        const bus = new RedisLiveLogBus({ url, keyPrefix, maxLines: o?.maxLines ?? 200, ttlSeconds: 3600, connectionName: o?.connectionName });
        opened.push(bus);
        return bus;
      },
      close: async () => {
        await Promise.all(opened.map((b) => b.close()));
        const redis = new Redis(url);
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      },
    };
  },
};

describe.each(Object.keys(buses))('live log bus: %s', (kind) => {
  let harness: Harness;
  let bus: LiveLogBus;
  beforeAll(async () => {
    harness = await buses[kind]();
    bus = await harness.open();
  });
  afterAll(() => harness?.close());

  it('delivers published lines to a subscriber, in order, and buffers them', async () => {
    const dep = newDeployment();
    const got: LiveEvent[] = [];
    const sub = await bus.subscribe(dep, (e) => got.push(e));
    expect(await bus.publish(dep, lines(1, 3))).toBe(3);
    await bus.publish(dep, lines(4, 5));
    await until(() => got.length === 2);
    expect(got.flatMap((e) => (e.kind === 'lines' ? e.lines : []))).toEqual(lines(1, 5));
    const recent = await bus.recent(dep, 2, 2);
    expect(recent).toEqual({ lines: lines(2, 3), firstSeq: 1, lastSeq: 5, end: null });
    await sub.close();
  });

  it('drops lines at or below the last accepted seq (a retried write is harmless)', async () => {
    const dep = newDeployment();
    await bus.publish(dep, lines(1, 5));
    expect(await bus.publish(dep, lines(3, 7))).toBe(2);
    expect((await bus.recent(dep, 1, 100)).lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps only the most recent lines', async () => {
    const small = await harness.open({ maxLines: 100 });
    const dep = newDeployment();
    for (let i = 0; i < 5; i++) await small.publish(dep, lines(i * 100 + 1, i * 100 + 100));
    const recent = await small.recent(dep, 1, 1000);
    expect(recent.firstSeq).toBe(401);
    expect(recent.lines.map((l) => l.seq)).toEqual(lines(401, 500).map((l) => l.seq));
  });

  it('reports nothing for an unknown deployment', async () => {
    expect(await bus.recent(newDeployment(), 1, 10)).toEqual({ lines: [], firstSeq: null, lastSeq: null, end: null });
  });

  it('ends a channel with its last seq and status, to subscribers and to later readers', async () => {
    const dep = newDeployment();
    const got: LiveEvent[] = [];
    await bus.subscribe(dep, (e) => got.push(e));
    await bus.publish(dep, lines(1, 4));
    expect(await bus.end(dep, 'READY')).toEqual({ lastSeq: 4, status: 'READY' });
    await until(() => got.some((e) => e.kind === 'end'));
    expect(got[got.length - 1]).toEqual({ kind: 'end', end: { lastSeq: 4, status: 'READY' } });
    expect((await bus.recent(dep, 1, 10)).end).toEqual({ lastSeq: 4, status: 'READY' });
  });

  it('stops delivering after the subscription is closed', async () => {
    const dep = newDeployment();
    const got: LiveEvent[] = [];
    const sub = await bus.subscribe(dep, (e) => got.push(e));
    const other: LiveEvent[] = [];
    await bus.subscribe(dep, (e) => other.push(e));
    await sub.close();
    await bus.publish(dep, lines(1, 1));
    await until(() => other.length === 1);
    expect(got).toEqual([]);
  });

  it('loses nothing between subscribing and reading the buffer, while a build keeps writing', async () => {
    const dep = newDeployment();
    let stop = false;
    let written = 0;
    const writer = (async () => {
      while (!stop && written < 100_000) {
        await bus.publish(dep, lines(written + 1, written + 10));
        written += 10;
        // A build's output arrives between other events.
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await until(() => written >= 200);
    const live: number[] = [];
    await bus.subscribe(dep, (e) => {
      if (e.kind === 'lines') live.push(...e.lines.map((l) => l.seq));
    });
    const snapshot = await bus.recent(dep, 1, 100_000);
    await until(() => written >= snapshot.lines.length + 200);
    stop = true;
    await writer;
    await until(() => live.length > 0 && live[live.length - 1] === written);
    const seen = new Set([...snapshot.lines.map((l) => l.seq), ...live]);
    const first = snapshot.firstSeq!;
    for (let seq = first; seq <= written; seq++) expect(seen.has(seq)).toBe(true);
  });

  if (kind === 'redis') {
    it('reaches subscribers of another process (another connection)', async () => {
      const other = await harness.open();
      const dep = newDeployment();
      const got: LiveEvent[] = [];
      await other.subscribe(dep, (e) => got.push(e));
      await bus.publish(dep, lines(1, 2));
      await until(() => got.length === 1);
      expect(got[0]).toEqual({ kind: 'lines', lines: lines(1, 2) });
    });

    it('asks subscribers to resync after its subscriber connection dropped', async () => {
      const name = uniqueName('resync');
      const other = await harness.open({ connectionName: name });
      const dep = newDeployment();
      await other.subscribe(dep, () => undefined);
      let resyncs = 0;
      other.onResync(() => resyncs++);
      const admin = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
      const clients = (await admin.client('LIST')) as string;
      const id = clients.split('\n').find((c) => c.includes(`name=${name}-subscriber`))?.match(/id=(\d+)/)?.[1];
      expect(id).toBeDefined();
      await admin.client('KILL', 'ID', id!);
      admin.disconnect();
      await until(() => resyncs > 0);
      const got: LiveEvent[] = [];
      await other.subscribe(dep, (e) => got.push(e));
      await bus.publish(dep, lines(1, 1));
      await until(() => got.length === 1);
    });
  }
});
